// The dub's mix for a track of any length in bounded memory: the track is rendered in chunks
// (each chunk is the whole-track mix of those frames, exactly: see MixRenderer), its loudness is
// measured in a first pass, the gain (and the limiter, when peaks need it) is applied in a last
// pass that feeds the AAC encoders while it writes the mix, so the dub track is encoded once,
// straight from the mix. Memory: a few chunks of audio per encoder, whatever the track's length.
import { correctedGainDb, gainCorrections, LoudnessMeter, PeakLimiter, peakOf } from '../engines/mix/loudness.js';
import { encodeAac } from '../media/aac-segments.js';
import { WavWriter } from '../media/wav-writer.js';
import { MixRenderer, type MixCue } from './mix-renderer.js';

export interface StreamingMixInput {
  originalPath: string;
  /** Duck the bed under each cue (the original, with its voices); false over a separated background. */
  ducking?: boolean;
  cues: MixCue[];
  targetLufs: number;
  voicePath: string;
  mixPath: string;
  /** Where to encode the dub track as AAC (ADTS) while mixing, and with how many encoders. */
  encoded: { path: string; encoders: number; bitRate: string } | null;
  /** Frames rendered at a time; 20 s unless a test asks for awkward sizes. */
  chunkFrames?: number;
  onProgress?: (fraction: number) => void;
  /** Awaited between chunks, so the worker's heartbeat goes out during an hour's mix. */
  pause: () => Promise<void>;
}

export interface StreamingMixResult {
  gainDb: number;
  /** Whether the look-ahead limiter held peaks down. */
  limited: boolean;
  /** How many encoders shared the dub track (0 when it was not encoded). */
  encoders: number;
}

/** The mix's sample-peak ceiling, −1 dBFS (a patch clips there too). */
export const mixCeiling = 10 ** (-1 / 20);
const dbToGain = (db: number) => 10 ** (db / 20);

export async function streamMix(input: StreamingMixInput): Promise<StreamingMixResult> {
  const renderer = new MixRenderer(input.originalPath, input.cues, input.ducking ?? true);
  const { frames, sampleRate, channelCount } = renderer;
  const chunk = input.chunkFrames ?? sampleRate * 20;
  const report = (from: number, to: number) => (fraction: number) => input.onProgress?.(from + (to - from) * Math.min(1, fraction));
  const mix = new WavWriter(input.mixPath, channelCount, sampleRate, frames);
  try {
    // The encoders start now and wait for the last pass, so their start-up overlaps the measuring.
    const measured = measureGain(renderer, input, chunk, report);
    measured.catch(() => undefined); // awaited below; the encoders' wait on it must not count as unhandled
    const produce = async (from: number, to: number, write: (samples: Int16Array) => Promise<void>) => {
      const { gainDb, limited } = await measured;
      await new FinalMix(renderer, mix, gainDb, limited, chunk, input.pause).produce(from, to, write);
    };
    const encoding = input.encoded
      ? encodeAac({
          outPath: input.encoded.path,
          frames,
          sampleRate,
          channelCount,
          bitRate: input.encoded.bitRate,
          encoders: input.encoded.encoders,
          produce,
          onProgress: report(0.4, 1),
        })
      : produce(0, frames, async () => undefined).then(() => 0);
    // A failed pass is the error, not the encoder it left waiting.
    const [{ gainDb, limited }, encoders] = await Promise.all([measured, encoding]);
    mix.close();
    return { gainDb, limited, encoders };
  } catch (error) {
    mix.close(false);
    throw error;
  }
}

/** The first passes: the voice stem written, the mix's loudness measured, and the gain (and limiting) it needs. */
async function measureGain(
  renderer: MixRenderer,
  input: StreamingMixInput,
  chunk: number,
  report: (from: number, to: number) => (fraction: number) => void,
): Promise<{ gainDb: number; limited: boolean }> {
  const meter = new LoudnessMeter(renderer.sampleRate, renderer.channelCount);
  let peak = 0;
  const voice = new WavWriter(input.voicePath, 1, renderer.sampleRate, renderer.frames);
  try {
    await eachChunk(renderer.frames, chunk, input.pause, report(0, 0.25), (from, to) => {
      const rendered = renderer.render(from, to);
      meter.push(rendered.mix);
      peak = Math.max(peak, peakOf(rendered.mix));
      voice.write(from, [rendered.voice]);
    });
    voice.close();
  } catch (error) {
    voice.close(false);
    throw error;
  }

  // The gain, as normalizeLoudness chooses it for the whole track; only a limited track needs more passes.
  const measured = meter.integrated();
  if (!Number.isFinite(measured)) return { gainDb: 0, limited: false };
  const firstGainDb = input.targetLufs - measured;
  let gainDb = firstGainDb;
  let limited = peak * dbToGain(gainDb) > mixCeiling;
  for (let pass = 0; pass < gainCorrections && limited; pass++) {
    const limitedLufs = await limitedLoudness(renderer, gainDb, chunk, input.pause, report(0.25 + pass * 0.05, 0.3 + pass * 0.05));
    const nextGainDb = correctedGainDb(input.targetLufs, firstGainDb, gainDb, limitedLufs);
    if (nextGainDb === null) break;
    gainDb = nextGainDb;
    limited = peak * dbToGain(gainDb) > mixCeiling;
  }
  return { gainDb, limited };
}

/** Calls `visit` for each [from, to) chunk of the track, with a pause after each. */
async function eachChunk(frames: number, chunk: number, pause: () => Promise<void>, onProgress: (fraction: number) => void, visit: (from: number, to: number) => void): Promise<void> {
  for (let from = 0; from < frames; from += chunk) {
    visit(from, Math.min(frames, from + chunk));
    onProgress((from + chunk) / frames);
    await pause();
  }
}

/** The integrated loudness of the whole track at `gainDb`, limited. */
async function limitedLoudness(renderer: MixRenderer, gainDb: number, chunk: number, pause: () => Promise<void>, onProgress: (fraction: number) => void): Promise<number> {
  const meter = new LoudnessMeter(renderer.sampleRate, renderer.channelCount);
  const limiter = new PeakLimiter(renderer.sampleRate, mixCeiling);
  await eachChunk(renderer.frames, chunk, pause, onProgress, (from, to) => meter.push(gainedBlock(renderer, limiter, dbToGain(gainDb), from, to)));
  return meter.integrated();
}

/** Frames [from, to) of the mix at `gain`, through `limiter` (which must have seen the frames before `from`) when there is one. */
function gainedBlock(renderer: MixRenderer, limiter: PeakLimiter | null, gain: number, from: number, to: number): Float32Array[] {
  // Two frames past the look-ahead, so float rounding at its far end cannot reach this block.
  const ahead = limiter ? Math.min(renderer.frames, to + limiter.lookaheadFrames + 2) : to;
  const { mix } = renderer.render(from, ahead);
  for (const channel of mix) for (let index = 0; index < channel.length; index++) channel[index]! *= gain;
  if (!limiter) return mix;
  const length = to - from;
  const block = mix.map((channel) => channel.subarray(0, length));
  limiter.process(block, mix.map((channel) => channel.subarray(length)));
  return block;
}

/**
 * The last pass, over any stretch of the track: each stretch gets a limiter of its own, started
 * early enough that its release has settled, so stretches rendered side by side (one per encoder)
 * agree sample for sample with one pass over the whole track.
 */
class FinalMix {
  private readonly gain: number;

  constructor(
    private readonly renderer: MixRenderer,
    private readonly writer: WavWriter,
    gainDb: number,
    private readonly limited: boolean,
    private readonly chunk: number,
    private readonly pause: () => Promise<void>,
  ) {
    this.gain = dbToGain(gainDb);
  }

  async produce(from: number, to: number, write: (samples: Int16Array) => Promise<void>): Promise<void> {
    const limiter = this.limited ? new PeakLimiter(this.renderer.sampleRate, mixCeiling) : null;
    if (limiter) {
      const settleFrom = Math.max(0, from - Math.ceil(limiter.settleFrames * 1.1));
      if (settleFrom < from) gainedBlock(this.renderer, limiter, this.gain, settleFrom, from);
    }
    // One chunk is written to the encoder while the next is rendered, so the encoder never waits.
    let writing: Promise<void> = Promise.resolve();
    for (let start = from; start < to; start += this.chunk) {
      const end = Math.min(to, start + this.chunk);
      const block = gainedBlock(this.renderer, limiter, this.gain, start, end);
      // Stretches overlap by an encoder's pre-roll; both write the same samples there.
      const samples = this.writer.write(start, block);
      await writing;
      writing = write(samples);
      writing.catch(() => undefined); // awaited on the next round; a failure must not count as unhandled meanwhile
      await this.pause();
    }
    await writing;
  }
}
