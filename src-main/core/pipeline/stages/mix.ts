// The mix stage: the dub's voice stem, and the dub over the ducked original, loudness-normalised.
// When an earlier mix of the same audio exists (the base) and only a few cues changed, it copies
// the base and re-renders just the time around those cues, keeping the base's loudness gain:
// one edited line then costs milliseconds of audio, not the whole track.
import { constants, copyFileSync } from 'node:fs';
import path from 'node:path';
import { msToSamples } from '../../../shared/time.js';
import { normalizeLoudness } from '../../engines/mix/loudness.js';
import { mixDub } from '../../engines/mix/mix-dub.js';
import { readWavFrames, writeWavFrames } from '../../media/wav-frames.js';
import { readWav, writeWav } from '../../media/wav.js';
import { layoutOrProblem, lengthMs, wavProblems } from '../output-checks.js';
import { letHeartbeatsThrough } from '../heartbeats.js';
import { cpuPlacement, declareStage, type StageContext } from '../stage.js';
import { extractStage } from './extract.js';
import { fitStage, mixSampleRate } from './fit.js';

export interface MixCue {
  file: string | null;
  placedStartMs: number;
  placedEndMs: number;
}

export interface MixBase {
  voicePath: string;
  mixPath: string;
  gainDb: number;
  cues: MixCue[];
}

export interface MixParams {
  extractKey: string;
  originalPath: string;
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
}

const voiceFile = 'voice.wav';
const mixFile = 'mix.wav';
/** Around a changed cue, the ducking ramps (150 ms) and the joining of nearby ducks (two ramps) can change. */
const changeMarginMs = 400;
/** Past this share of changed cues a full render is as cheap as patching. */
const incrementalLimit = 0.3;
const ceiling = 10 ** (-1 / 20);

export const mixStage = declareStage<MixParams, MixResult>({
  name: 'mix',
  version: 1,
  weight: { plain: 10, neural: 6 },
  consumes: [extractStage, fitStage],
  plan({ options, output, mixBase }) {
    const extract = output(extractStage)!;
    return {
      extractKey: extract.key,
      originalPath: extract.file(extract.result.mixFile),
      targetLufs: options.targetLufs,
      cues: output(fitStage)!.result.cues.map(({ file, placedStartMs, placedEndMs }) => ({ file, placedStartMs, placedEndMs })),
      base: mixBase(extract.key, options.targetLufs),
    };
  },
  outputNeutral: {
    base: 'The previous mix only saves time: the cues that changed are rendered as a full mix renders them, and the rest is that mix, at the loudness gain it measured for the same audio.',
  },
  placement: () => cpuPlacement,
  // A whole-track mix reads, mixes, normalises and writes the track in single steps of up to 15 s
  // per hour of audio on an idle 2-core machine (heartbeats go out between them), and an hour
  // holds about 6 GB meanwhile; eight times that per hour allows for a busy, paging machine. A
  // streaming mix (chunks with a yield after each) will make this moot.
  quietMs: (params) => Math.max(30_000, Math.ceil((audioLengthMs(params.originalPath) / 3_600_000) * 8 * 15_000)),
  async run(params, context) {
    const changed = params.base ? changedRanges(params.base.cues, params.cues) : null;
    if (params.base && changed && changed.count <= Math.max(1, params.cues.length * incrementalLimit)) {
      await patchBase(params, params.base, changed.ranges, context);
      context.log('info', `Re-mixed ${changed.count} changed cue(s) over the previous mix; loudness gain kept at ${params.base.gainDb.toFixed(1)} dB.`);
      return mixResult(params, params.base.gainDb, true);
    }
    // Each step of an hour's mix takes seconds: heartbeats go out between them.
    const original = readWav(params.originalPath);
    context.reportProgress(0.2);
    await letHeartbeatsThrough();
    const cues = loadCues(params.cues, 0);
    await letHeartbeatsThrough();
    const { voice, mix } = mixDub({ original: original.channels, sampleRate: original.sampleRate, cues });
    context.reportProgress(0.5);
    await letHeartbeatsThrough();
    const normalized = normalizeLoudness(mix, original.sampleRate, { targetLufs: params.targetLufs });
    context.reportProgress(0.7);
    await letHeartbeatsThrough();
    writeWav(path.join(context.task.outDir, voiceFile), [voice], original.sampleRate);
    await letHeartbeatsThrough();
    writeWav(path.join(context.task.outDir, mixFile), normalized.channels, original.sampleRate);
    context.log('info', `Mixed ${params.cues.length} cues; loudness gain ${normalized.gainDb.toFixed(1)} dB to ${params.targetLufs} LUFS.`);
    return mixResult(params, normalized.gainDb, false);
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

function audioLengthMs(wavPath: string): number {
  const layout = layoutOrProblem(wavPath);
  return typeof layout === 'string' ? 0 : lengthMs(layout); // an unreadable file is the run's to report
}

function mixResult(params: MixParams, gainDb: number, incremental: boolean): MixResult {
  return { extractKey: params.extractKey, targetLufs: params.targetLufs, voiceFile, mixFile, gainDb, cues: params.cues, incremental };
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

async function patchBase(params: MixParams, base: MixBase, ranges: [number, number][], context: StageContext): Promise<void> {
  const voicePath = path.join(context.task.outDir, voiceFile);
  const mixPath = path.join(context.task.outDir, mixFile);
  // Copy-on-write clones where the file system has them; the base artifact itself stays untouched.
  copyFileSync(base.voicePath, voicePath, constants.COPYFILE_FICLONE);
  copyFileSync(base.mixPath, mixPath, constants.COPYFILE_FICLONE);
  const gain = 10 ** (base.gainDb / 20);
  for (const [position, [fromMs, toMs]] of ranges.entries()) {
    // Render with context on both sides so ramps and joined ducks match a full render inside the range.
    const contextFromMs = Math.max(0, fromMs - changeMarginMs);
    const original = readWavFrames(params.originalPath, msToSamples(contextFromMs, mixSampleRate), msToSamples(toMs + changeMarginMs - contextFromMs, mixSampleRate));
    const rate = original.sampleRate;
    const cues = loadCues(params.cues.filter((cue) => cue.placedEndMs > contextFromMs && cue.placedStartMs < toMs + changeMarginMs), contextFromMs);
    const { voice, mix } = mixDub({ original: original.channels, sampleRate: rate, cues });
    const skip = msToSamples(fromMs - contextFromMs, rate);
    const length = Math.min(voice.length - skip, msToSamples(toMs - fromMs, rate));
    if (length <= 0) continue;
    const limited = mix.map((channel) => {
      const part = channel.slice(skip, skip + length);
      for (let index = 0; index < part.length; index++) part[index] = Math.max(-ceiling, Math.min(ceiling, part[index]! * gain));
      return part;
    });
    writeWavFrames(voicePath, msToSamples(fromMs, rate), [voice.slice(skip, skip + length)]);
    writeWavFrames(mixPath, msToSamples(fromMs, rate), limited);
    context.reportProgress((position + 1) / ranges.length);
    await letHeartbeatsThrough();
  }
}

function loadCues(cues: MixCue[], offsetMs: number) {
  return cues
    .filter((cue): cue is MixCue & { file: string } => cue.file !== null)
    .map((cue) => ({ samples: readWav(cue.file).channels[0]!, startMs: cue.placedStartMs - offsetMs, endMs: cue.placedEndMs - offsetMs }));
}
