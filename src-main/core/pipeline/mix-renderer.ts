// Renders any stretch of the dub's mix (voice stem and ducked original, before loudness) from the
// original's WAV and the fitted cues, reading only that stretch and the cues that touch it.
//
// Why a stretch equals the same frames of a whole-track render: a sample's voice depends only on
// the cues covering it, and its duck only on cue spans within two ramps (300 ms) of it — nearer
// spans are joined, the rest only fade within one ramp. So rendering with 400 ms of context on
// each side and keeping the middle gives exactly the whole-track samples.
import { msToSamples } from '../../shared/time.js';
import { mixDub, type DubCue } from '../engines/mix/mix-dub.js';
import { readWavFrames } from '../media/wav-frames.js';
import { pcm16Frames, readWav, readWavLayout } from '../media/wav.js';

export interface MixCue {
  file: string | null;
  placedStartMs: number;
  placedEndMs: number;
  /**
   * Audio that replaces the dub over its span (a lip-sync segment's own audio, such as a voice
   * actor's take): every other cue is silent there, so the track says what the lips say.
   */
  replaces?: boolean;
}

/** A track this short is kept once rendered whole: later passes and stretches of it cost a copy each. */
const keptTrackSeconds = 30;

/** How far beyond a stretch a cue can still change it (see above). */
export const renderContextMs = 400;

export class MixRenderer {
  readonly frames: number;
  readonly sampleRate: number;
  readonly channelCount: number;
  private readonly cues: (MixCue & { file: string })[];
  /** Speech of the cues the last render used: the next stretch mostly needs the same ones. */
  private loaded = new Map<string, Float32Array>();
  /** The whole track, when a render covered it: a short track's later passes copy it instead of mixing it again. */
  private whole: { voice: Float32Array; mix: Float32Array[] } | null = null;

  constructor(
    private readonly originalPath: string,
    cues: readonly MixCue[],
    /** False when the bed is a separated background: no original voice is left to duck. */
    private readonly ducking = true,
  ) {
    const layout = readWavLayout(originalPath);
    this.sampleRate = layout.sampleRate;
    this.channelCount = layout.channelCount;
    this.frames = pcm16Frames(layout);
    this.cues = cues.filter((cue): cue is MixCue & { file: string } => cue.file !== null);
  }

  /** Frames [from, to) of the voice and of the mix (clipped to the track); the caller may change them. */
  render(from: number, to: number): { voice: Float32Array; mix: Float32Array[] } {
    if (this.whole) {
      const start = Math.max(0, from);
      const end = Math.max(start, Math.min(to, this.frames));
      return { voice: this.whole.voice.slice(start, end), mix: this.whole.mix.map((channel) => channel.slice(start, end)) };
    }
    const rendered = this.renderNow(from, to);
    // Kept only for short tracks (the streamed mix renders longer ones in chunks), so memory stays bounded.
    if (from <= 0 && to >= this.frames && this.frames <= this.sampleRate * keptTrackSeconds) {
      this.whole = { voice: rendered.voice.slice(), mix: rendered.mix.map((channel) => channel.slice()) };
    }
    return rendered;
  }

  private renderNow(from: number, to: number): { voice: Float32Array; mix: Float32Array[] } {
    const rate = this.sampleRate;
    const context = msToSamples(renderContextMs, rate);
    const start = Math.max(0, from - context);
    const end = Math.min(this.frames, to + context);
    const original = readWavFrames(this.originalPath, start, end - start);
    const offsetMs = (start * 1000) / rate;
    const endMs = (end * 1000) / rate;
    const loaded = new Map<string, Float32Array>();
    const cues: DubCue[] = [];
    const touching = this.cues.filter((cue) => cue.placedEndMs > offsetMs && cue.placedStartMs < endMs);
    const replacements = touching.filter((cue) => cue.replaces);
    for (const cue of touching) {
      const speech = this.loaded.get(cue.file) ?? loaded.get(cue.file) ?? readWav(cue.file).channels[0]!;
      loaded.set(cue.file, speech);
      const samples = cue.replaces ? speech : silencedUnder(speech, cue, replacements, rate);
      cues.push({ samples, startMs: cue.placedStartMs - offsetMs, endMs: cue.placedEndMs - offsetMs });
    }
    this.loaded = loaded;
    const { voice, mix } = mixDub({ original: original.channels, sampleRate: rate, cues, inPlace: true, ...(this.ducking ? {} : { duckDb: 0 }) });
    const skip = from - start;
    const length = Math.max(0, Math.min(to, this.frames) - from);
    return { voice: voice.subarray(skip, skip + length), mix: mix.map((channel) => channel.subarray(skip, skip + length)) };
  }
}

/** A cue's speech with the spans of `replacements` silenced (the same array when none overlaps). */
function silencedUnder(speech: Float32Array, cue: MixCue, replacements: readonly MixCue[], rate: number): Float32Array {
  let samples = speech;
  for (const replacement of replacements) {
    const from = Math.max(0, msToSamples(replacement.placedStartMs - cue.placedStartMs, rate));
    const to = Math.min(speech.length, msToSamples(replacement.placedEndMs - cue.placedStartMs, rate));
    if (to <= from) continue;
    if (samples === speech) samples = speech.slice();
    samples.fill(0, from, to);
  }
  return samples;
}
