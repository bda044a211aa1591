// Owns checking what a request says about lip-sync before anything is queued or re-rendered: the
// audio files it adds (refIds, then each file probed), its segments against the video and that
// audio (shared/lipsync.ts's one validator, with the segment limit of the settings), and the model
// packs rendering them needs. Job creation (prepare-dub.ts) and PUT /jobs/{id}/lipsync both call it.
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { RedubError } from '../../shared/errors.js';
import { audioRefIdProblem, dubAudioRefId, validateLipSyncSegments, type LipSyncSegment } from '../../shared/lipsync.js';
import { lipSyncPacks } from '../engines/lipsync/lipsync-packs.js';
import { probeAudio, type AudioLimits } from '../media/probe-audio.js';
import type { AudioRefOption } from './dub-options.js';
import { fingerprintMedia } from './fingerprint.js';
import type { InstalledModels } from './model-choice.js';

/** The video the segments are laid on: its length and frame rate. */
export interface LipSyncVideo {
  durationMs: number;
  fps: number;
}

/**
 * Each added audio file checked and described, ordered by refId (so the same files in another
 * order make the same job). A bad refId is E_USAGE naming it; a bad file its own code.
 */
export async function checkAudioRefs(audio: Record<string, string>, limits: AudioLimits, signal?: AbortSignal): Promise<AudioRefOption[]> {
  const refs: AudioRefOption[] = [];
  for (const [id, file] of Object.entries(audio).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const problem = audioRefIdProblem(id);
    if (problem) throw new RedubError('E_USAGE', { message: problem, action: 'Name each added audio file as <refId>=<file> (--audio narrator=voice.wav, or "audio": {"narrator": "/path/voice.wav"}).' });
    if (!file) throw new RedubError('E_USAGE', { message: `The audio "${id}" names no file; give it as ${id}=<file>.` });
    const info = await probeAudio(path.resolve(file), limits, signal ? { signal } : {});
    // Kept with symbolic links resolved, as the video is: the job serves this file and no other.
    const real = realpathSync(info.path);
    refs.push({ id, path: real, durationMs: info.durationMs, fingerprint: fingerprintMedia(real) });
  }
  return refs;
}

/**
 * The segments if every rule holds; otherwise E_LIPSYNC_INVALID with each violation as a sentence
 * naming its rule (details) and as data (violations), so an editor can mark the segment.
 */
export function checkLipSyncSegments(segments: LipSyncSegment[], video: LipSyncVideo, audio: readonly Pick<AudioRefOption, 'id' | 'durationMs'>[], maxSegments: number): LipSyncSegment[] {
  // The dubbed track spans the whole video; each added file is as long as its probe said.
  const audioDurationsMs: Record<string, number> = { [dubAudioRefId]: video.durationMs };
  for (const ref of audio) audioDurationsMs[ref.id] = ref.durationMs;
  const violations = validateLipSyncSegments(segments, { videoDurationMs: video.durationMs, fps: video.fps, audioDurationsMs, maxSegments });
  if (violations.length > 0) {
    throw new RedubError('E_LIPSYNC_INVALID', {
      message: violations.length === 1 ? 'A lip-sync segment breaks a rule.' : `The lip-sync segments break ${violations.length} rules.`,
      details: violations.map((violation) => `${violation.message} [rule: ${violation.rule}]`),
      violations,
    });
  }
  return segments;
}

/**
 * Rendering segments needs the face detector and the lip-sync model: E_MODEL_MISSING naming each
 * pack that is not installed and the command that installs it, before anything is queued.
 */
export function requireLipSyncPacks(models: InstalledModels | null): void {
  const installed = new Set((models?.listInstalled() ?? []).map((manifest) => manifest.pack.id));
  const needed = [
    { id: lipSyncPacks.detector.id, what: 'the face detector' },
    { id: lipSyncPacks.model.id, what: 'the lip-sync model' },
  ];
  const missing = needed.filter((pack) => !installed.has(pack.id));
  if (missing.length === 0) return;
  const named = missing.map((pack) => `"${pack.id}" (${pack.what})`).join(' and ');
  const commands = missing.map((pack) => `\`redub models install ${pack.id}\``).join(' and ');
  throw new RedubError('E_MODEL_MISSING', {
    message: `Lip-sync segments need the model pack${missing.length > 1 ? 's' : ''} ${named}, which ${missing.length > 1 ? 'are' : 'is'} not installed.`,
    action: `Run ${commands} (or \`redub models import <id> <folder-or-archive>\` on an offline machine), or leave the segments out.`,
    details: missing.map((pack) => `Not installed: ${pack.id}`),
  });
}
