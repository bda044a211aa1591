// Owns what the front door does with a job's cues: the timeline's view of them (the stages'
// cues with a person's layer on top, each marked edited, stale or overlapping), a batch of edits
// applied all or none against the revision the editor saw, and the waveform peaks the timeline
// draws. The service calls these; transports never reach the store themselves.
import path from 'node:path';
import type { CueEditsRequest, CuesView, CueView } from '../../shared/cues.js';
import type { WaveformQuery, WaveformView } from '../../shared/contract.js';
import { RedubError } from '../../shared/errors.js';
import type { CueRecord } from '../../shared/jobs.js';
import { applyCueEdits, baseId, layeredCues, type BaseCue, type LayeredCue } from '../cues/cue-layer.js';
import { readPeaks } from '../media/peaks.js';
import type { MediaInfo } from '../media/probe.js';
import type { ArtifactCache } from '../pipeline/artifact-cache.js';
import type { Store } from '../store/store.js';

type CueStore = Pick<Store, 'jobs' | 'cues' | 'cueLayers' | 'stages'>;

export function cuesView(store: CueStore, cache: ArtifactCache, jobId: string): CuesView {
  const base = requireBase(store, jobId);
  const { revision, layer } = store.cueLayers.current(jobId);
  const media = jobMedia(store, cache, jobId, base);
  return { revision, ...renderState(store, cache, jobId), ...media, cues: viewOf(layeredCues(base, layer), store.cues.list(jobId), renderedPicks(store, jobId)) };
}

/** Applies the edits if `revision` is still the current one: E_CUES_CHANGED when it is not. */
export function editCues(store: CueStore, cache: ArtifactCache, jobId: string, request: CueEditsRequest): CuesView {
  const base = requireBase(store, jobId);
  const { revision, layer } = store.cueLayers.current(jobId);
  if (request.revision !== revision) throw changed(request.revision, revision);
  const media = jobMedia(store, cache, jobId, base);
  const outcome = applyCueEdits(base, layer, request.edits, media, (earlier) => store.cueLayers.at(jobId, earlier));
  // Another writer may have stored a revision between the read above and now: the swap says so.
  const stored = store.cueLayers.commit(jobId, revision, outcome.layer);
  if (stored === null) throw changed(request.revision, store.cueLayers.current(jobId).revision);
  return { revision: stored, ...renderState(store, cache, jobId), ...media, cues: viewOf(outcome.cues, store.cues.list(jobId), renderedPicks(store, jobId)) };
}

/** What the dub was rendered from, and which mix and dub peaks are there now: their artifact keys
 * once committed (while a stage runs, its new key names nothing yet: null). */
function renderState(store: CueStore, cache: ArtifactCache, jobId: string): Pick<CuesView, 'renderedRevision' | 'mixVersion' | 'dubPeaksVersion' | 'backgroundPeaksVersion'> {
  const committed = (stage: 'mix' | 'dub-waveform' | 'background-waveform') => {
    const key = store.stages.artifactKey(jobId, stage);
    return key && cache.has(key) ? key : null;
  };
  return { renderedRevision: store.jobs.renderedCueRevision(jobId), mixVersion: committed('mix'), dubPeaksVersion: committed('dub-waveform'), backgroundPeaksVersion: committed('background-waveform') };
}

const waveformStages = { original: 'waveform', dub: 'dub-waveform', background: 'background-waveform' } as const;

export function waveformView(store: CueStore, cache: ArtifactCache, jobId: string, query: WaveformQuery): WaveformView {
  const key = store.stages.artifactKey(jobId, waveformStages[query.track]);
  if (!key || !cache.has(key)) {
    const sentence = query.track === 'background' ? 'The background\'s waveform exists once the job has separated the voices from it (with a separation pack installed).' : `The ${query.track}'s waveform exists once the job has rendered it.`;
    throw new RedubError('E_NOT_READY', { details: [sentence] });
  }
  const result = cache.read<{ peaksFile: string }>(key);
  const peaks = readPeaks(path.join(cache.directory(key), result.peaksFile), query);
  return { ...query, peaks: Array.from(peaks) };
}

/**
 * The cues a person had given a speaker when the dub was last rendered (by id): a pick cleared
 * since then leaves a cue whose rendered speaker is the person's, not the one it will get.
 */
function renderedPicks(store: CueStore, jobId: string): Set<string> {
  const revision = store.jobs.renderedCueRevision(jobId);
  const layer = revision === null ? null : store.cueLayers.at(jobId, revision);
  if (!layer) return new Set();
  return new Set([...Object.entries(layer.overrides).filter(([, override]) => override.speaker !== undefined).map(([id]) => id), ...layer.added.filter((cue) => cue.speaker !== undefined).map((cue) => cue.id)]);
}

function viewOf(cues: readonly LayeredCue[], rendered: readonly CueRecord[], picked: ReadonlySet<string>): CueView[] {
  // Cues rendered before edits existed carry no id: they were the base, in order.
  const byId = new Map(rendered.map((cue) => [cue.id ?? baseId(cue.index), cue]));
  let reach = -Infinity;
  const overlapping = new Set<number>();
  cues.forEach((cue, index) => {
    if (cue.startMs < reach) {
      overlapping.add(index);
      // The cue it runs into is the last one that reached this far.
      for (let earlier = index - 1; earlier >= 0; earlier--) if (cues[earlier]!.endMs > cue.startMs) overlapping.add(earlier);
    }
    reach = Math.max(reach, cue.endMs);
  });
  return cues.map((cue, index) => {
    const spoken = byId.get(cue.id);
    // A speaker a person set, or cleared, that the dub does not speak with yet needs a render too;
    // a cleared one shows as nobody until the render says who the subtitles or the voices name.
    const cleared = cue.speaker === undefined && picked.has(cue.id);
    const stale = !spoken || spoken.startMs !== cue.startMs || spoken.endMs !== cue.endMs || spoken.sourceText !== cue.sourceText || (!cue.sourceOnly && spoken.targetText !== cue.targetText)
      || (cue.speaker !== undefined && (spoken.speaker ?? undefined) !== cue.speaker) || cleared;
    return {
      index, id: cue.id, startMs: cue.startMs, endMs: cue.endMs, sourceText: cue.sourceText,
      // A source line being translated again reads as the dub says it until then.
      targetText: cue.sourceOnly && spoken ? spoken.targetText : cue.targetText,
      speedFactor: stale ? null : spoken.speedFactor, placedStartMs: stale ? null : spoken.placedStartMs, placedEndMs: stale ? null : spoken.placedEndMs,
      flag: stale ? null : spoken.flag, edited: cue.edited, stale, overlaps: overlapping.has(index),
      speaker: cue.speaker ?? (cleared ? null : spoken?.speaker ?? null),
    };
  });
}

function requireBase(store: CueStore, jobId: string): BaseCue[] {
  store.jobs.require(jobId);
  const base = store.cueLayers.base(jobId);
  if (base.length === 0 && store.cues.list(jobId).length === 0) throw new RedubError('E_NO_CUES_YET', { details: [`Job ${jobId} has not made its cues yet.`] });
  // A job dubbed before edits existed has its cues but no base: those cues are the base.
  return base.length > 0 ? base : store.cues.list(jobId).map(({ index, startMs, endMs, sourceText, targetText }) => ({ index, startMs, endMs, sourceText, targetText }));
}

/** The video's length and frame rate: recorded by the probe, else read from its artifact. */
function jobMedia(store: CueStore, cache: ArtifactCache, jobId: string, base: readonly BaseCue[]): { durationMs: number; fps: number } {
  const recorded = store.jobs.media(jobId);
  if (recorded) return recorded;
  const key = store.stages.artifactKey(jobId, 'probe');
  if (key && cache.has(key)) {
    const media = cache.read<MediaInfo>(key);
    return { durationMs: media.durationMs, fps: media.video.fps };
  }
  return { durationMs: Math.max(0, ...base.map((cue) => cue.endMs)), fps: 25 };
}

function changed(sent: number, current: number): RedubError {
  return new RedubError('E_CUES_CHANGED', { details: [`The edits were made against revision ${sent}; the cues are at revision ${current} now.`] });
}
