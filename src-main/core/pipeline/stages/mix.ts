// The mix stage: the dub's voice stem, and the dub over the ducked original, loudness-normalised,
// streamed in chunks (pipeline/streaming-mix.ts) and encoded to AAC as it is made, so neither
// memory nor the export's time grows with anything but the track's length.
// When an earlier mix of the same audio exists (the base) and only a few cues changed, it copies
// the base and re-renders just the time around those cues, keeping the base's loudness gain:
// one edited line then costs milliseconds of audio, not the whole track (the export encodes it).
import { constants, copyFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { msToSamples } from '../../../shared/time.js';
import { writeWavFrames } from '../../media/wav-frames.js';
import { layoutOrProblem, lengthMs, wavProblems } from '../output-checks.js';
import { letHeartbeatsThrough } from '../heartbeats.js';
import { MixRenderer, renderContextMs, type MixCue } from '../mix-renderer.js';
import { cpuPlacement, declareStage, type StageContext } from '../stage.js';
import { mixCeiling, streamMix } from '../streaming-mix.js';
import { speechCoverageWarnings } from '../speech-coverage.js';
import { editStage } from './edit.js';
import { extractStage } from './extract.js';
import { fitStage } from './fit.js';
import { lipSyncAudioStage } from './lipsync-audio.js';
import { separateStage } from './separate.js';
import { vadStage } from './vad.js';

export interface MixBase {
  voicePath: string;
  mixPath: string;
  /** The base's dub track as AAC, which a patch patches too; null for mixes cached before they encoded. */
  encodedPath: string | null;
  gainDb: number;
  cues: MixCue[];
}

export interface MixParams {
  extractKey: string;
  /** What the dub lies over: the background separated from the voices, or the original, ducked under each cue. */
  originalPath: string;
  /** false over a separated background (nothing to duck); absent: ducked, so older mixes keep their keys. */
  ducking?: false;
  targetLufs: number;
  cues: MixCue[];
  base: MixBase | null;
}

export interface MixResult {
  extractKey: string;
  targetLufs: number;
  voiceFile: string;
  mixFile: string;
  gainDb: number;
  cues: MixCue[];
  incremental: boolean;
  /** The dub track as AAC (ADTS), encoded while mixing; null after a patch (the export patches or encodes it). */
  encodedFile: string | null;
  /**
   * After a patch: the base's AAC track and the sample ranges the patch changed, so the export
   * encodes only those again (media/aac-patch.ts). Left to the export so that an edited line is
   * playable as soon as its WAV is. Null after a full mix, or when the base had no AAC track.
   */
  aacPatch: { basePath: string; changed: [number, number][] } | null;
}

const voiceFile = 'voice.wav';
const mixFile = 'mix.wav';
const encodedFile = 'dub.aac';
/** The dub track's AAC bit rate, in the mix's encode and the export's alike. */
export const dubBitRate = '192k';
/** Around a changed cue, the ducking ramps (150 ms) and the joining of nearby ducks (two ramps) can change. */
const changeMarginMs = renderContextMs;
/** Past this share of changed cues a full render is as cheap as patching. */
const incrementalLimit = 0.3;

/** How many AAC encoders a dub track gets: one per core, the worker's own included (it mostly waits on them). */
export function encoderCount(): number {
  return Math.max(1, availableParallelism());
}

export const mixStage = declareStage<MixParams, MixResult>({
  name: 'mix',
  // 2: streamed, with the dub track encoded to AAC while mixing.
  version: 2,
  // The dub track is encoded here, as the mix is made: most of what the export used to weigh.
  weight: { plain: 25, neural: 15 },
  // The VAD and the cues only for recorded(): the warnings about lines placed over silence, given
  // here because the cues' synthesis no longer waits for the speech regions. Nor does the mix: a
  // job dubbed from subtitles needs the regions for nothing else, so they may come after it.
  consumes: [extractStage, separateStage, fitStage, vadStage, editStage, lipSyncAudioStage],
  waitsFor: () => [extractStage, separateStage, fitStage, editStage, lipSyncAudioStage],
  plan({ options, output, mixBase }) {
    const extract = output(extractStage)!;
    const separated = output(separateStage);
    // The base a patch may start from must lie over the same bed: a separated one is its own.
    const bedKey = separated ? `${extract.key}+${separated.key}` : extract.key;
    // A lip-sync segment's own audio takes the dub's place over the segment.
    const replacements = (output(lipSyncAudioStage)?.result.segments ?? []).map((segment): MixCue => ({ file: segment.file, placedStartMs: segment.startMs, placedEndMs: segment.endMs, replaces: true }));
    return {
      extractKey: bedKey,
      originalPath: separated ? separated.file(separated.result.backgroundFile) : extract.file(extract.result.mixFile),
      ...(separated ? { ducking: false as const } : {}),
      targetLufs: options.targetLufs,
      cues: [...output(fitStage)!.result.cues.map(({ file, placedStartMs, placedEndMs }) => ({ file, placedStartMs, placedEndMs })), ...replacements],
      base: mixBase(bedKey, options.targetLufs),
    };
  },
  outputNeutral: {
    base: 'The previous mix only saves time: the cues that changed are rendered as a full mix renders them, and the rest is that mix, at the loudness gain it measured for the same audio.',
  },
  placement: () => cpuPlacement,
  // Streamed in chunks with a heartbeat after each: no step runs long, whatever the length.
  quietMs: () => 30_000,
  async run(params, context) {
    const changed = params.base ? changedRanges(params.base.cues, params.cues) : null;
    if (params.base && changed && changed.count <= Math.max(1, params.cues.length * incrementalLimit)) {
      const changedSamples = await patchBase(params, params.base, changed.ranges, context);
      context.log('info', `Re-mixed ${changed.count} changed cue(s) over the previous mix; loudness gain kept at ${params.base.gainDb.toFixed(1)} dB.`);
      const aacPatch = params.base.encodedPath ? { basePath: params.base.encodedPath, changed: changedSamples } : null;
      return { ...mixResult(params, params.base.gainDb, true, null), aacPatch };
    }
    const mixed = await streamMix({
      originalPath: params.originalPath,
      ducking: params.ducking ?? true,
      cues: params.cues,
      targetLufs: params.targetLufs,
      voicePath: path.join(context.task.outDir, voiceFile),
      mixPath: path.join(context.task.outDir, mixFile),
      encoded: { path: path.join(context.task.outDir, encodedFile), encoders: encoderCount(), bitRate: dubBitRate },
      onProgress: (fraction) => context.reportProgress(fraction),
      pause: letHeartbeatsThrough,
    });
    context.log(
      'info',
      `Mixed ${params.cues.length} cues ${params.ducking ?? true ? 'over the original, ducked under each cue (no separation pack)' : 'over the background separated from the voices'}; loudness gain ${mixed.gainDb.toFixed(1)} dB to ${params.targetLufs} LUFS${mixed.limited ? ', peaks limited' : ''}; encoded by ${mixed.encoders} AAC encoder(s) at once.`,
    );
    return mixResult(params, mixed.gainDb, false, encodedFile);
  },
  recorded(_output, context) {
    const cues = context.output(editStage)?.result.cues;
    context.whenSettled(vadStage, (vad) => {
      if (vad && cues) for (const warning of speechCoverageWarnings(cues, vad.result.regions)) context.log('warn', warning);
    });
  },
  check(params, directory, result) {
    // A mix is written sample for sample over the original: any difference beyond a sample is a cut.
    const original = layoutOrProblem(params.originalPath);
    if (typeof original === 'string') return [original];
    const durationMs = lengthMs(original);
    return [
      ...wavProblems(path.join(directory, result.voiceFile), { sampleRate: original.sampleRate, channels: 1, durationMs, toleranceMs: 1 }),
      ...wavProblems(path.join(directory, result.mixFile), { sampleRate: original.sampleRate, channels: original.channelCount, durationMs, toleranceMs: 1 }),
    ];
  },
});

function mixResult(params: MixParams, gainDb: number, incremental: boolean, encoded: string | null): MixResult {
  return { extractKey: params.extractKey, targetLufs: params.targetLufs, voiceFile, mixFile, gainDb, cues: params.cues, incremental, encodedFile: encoded, aacPatch: null };
}

/** The time ranges (ms) where the new cues differ from the base's, merged, with their margins. */
export function changedRanges(before: MixCue[], after: MixCue[]): { count: number; ranges: [number, number][] } {
  const identity = (cue: MixCue) => `${cue.file}|${cue.placedStartMs}|${cue.placedEndMs}`;
  const beforeSet = new Set(before.map(identity));
  const afterSet = new Set(after.map(identity));
  const removed = before.filter((cue) => !afterSet.has(identity(cue)));
  const added = after.filter((cue) => !beforeSet.has(identity(cue)));
  const changed = [...removed, ...added];
  // An edited or retimed cue counts once, though both its old and its new place are re-rendered.
  const count = Math.max(removed.length, added.length);
  const spans = changed.map((cue): [number, number] => [Math.max(0, cue.placedStartMs - changeMarginMs), cue.placedEndMs + changeMarginMs]).sort((a, b) => a[0] - b[0]);
  const ranges: [number, number][] = [];
  for (const span of spans) {
    const last = ranges[ranges.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else ranges.push(span);
  }
  return { count, ranges };
}

/** Patches the base's WAVs around `ranges` (ms); returns the sample ranges it changed. */
async function patchBase(params: MixParams, base: MixBase, ranges: [number, number][], context: StageContext): Promise<[number, number][]> {
  const voicePath = path.join(context.task.outDir, voiceFile);
  const mixPath = path.join(context.task.outDir, mixFile);
  // Copy-on-write clones where the file system has them; the base artifact itself stays untouched.
  copyFileSync(base.voicePath, voicePath, constants.COPYFILE_FICLONE);
  copyFileSync(base.mixPath, mixPath, constants.COPYFILE_FICLONE);
  const gain = 10 ** (base.gainDb / 20);
  const renderer = new MixRenderer(params.originalPath, params.cues, params.ducking ?? true);
  const changed: [number, number][] = [];
  for (const [position, [fromMs, toMs]] of ranges.entries()) {
    const from = msToSamples(fromMs, renderer.sampleRate);
    const { voice, mix } = renderer.render(from, msToSamples(toMs, renderer.sampleRate));
    if (voice.length === 0) continue;
    // The base's gain, and a plain clip at the ceiling: a patch is too short to judge peaks by.
    const limited = mix.map((channel) => channel.map((sample) => Math.max(-mixCeiling, Math.min(mixCeiling, sample * gain))));
    writeWavFrames(voicePath, from, [voice]);
    writeWavFrames(mixPath, from, limited);
    changed.push([from, from + voice.length]);
    context.reportProgress((position + 1) / ranges.length);
    await letHeartbeatsThrough();
  }
  return changed;
}
