// Owns the voice-activity-detection contract every VAD engine implements, and its defaults.

/** A stretch of speech in the analysed audio, integer milliseconds from its start. */
export interface SpeechRegion {
  startMs: number;
  endMs: number;
}

export interface VadOptions {
  /** Speech probability that opens a region. Default 0.5. */
  threshold?: number;
  /** Regions shorter than this are dropped as clicks and breaths. Default 250. */
  minSpeechMs?: number;
  /** Silence must last this long (below threshold − 0.15) before a region ends. Default 300. */
  minSilenceMs?: number;
  /** Added on both sides so word onsets and tails are not clipped. Default 80. */
  padMs?: number;
}

export const defaultVadOptions: Required<VadOptions> = {
  threshold: 0.5,
  minSpeechMs: 250,
  minSilenceMs: 300,
  padMs: 80,
};

/** Audio that arrives a chunk at a time (read from a file as detection goes), 16 kHz mono. */
export interface SampleChunks {
  /** The stream's expected length, for progress; the samples that do arrive decide the regions. */
  totalSamples: number;
  /** Any sizes: the regions do not depend on where the chunks are cut. */
  chunks: Iterable<Float32Array> | AsyncIterable<Float32Array>;
}

export interface VoiceActivityDetector {
  readonly id: string;
  /** Changes whenever results could change, so cached VAD artifacts are keyed by it. */
  readonly version: string;
  /** The execution provider the engine runs on now (cpu, cuda, …). */
  readonly executionProvider: string;
  /** Why it runs elsewhere than asked (a GPU provider that fell back to the CPU), for job logs. */
  readonly providerWarnings: readonly string[];
  /** onWarning hears of a GPU that fails during this detection and the fall back to the CPU. */
  detect(
    samples16k: Float32Array,
    options?: VadOptions,
    onProgress?: (fraction: number) => void,
    onWarning?: (message: string) => void,
  ): Promise<SpeechRegion[]>;
  /** The regions detect() finds over the chunks joined, holding only a window of them at a time. */
  detectStream(
    source: SampleChunks,
    options?: VadOptions,
    onProgress?: (fraction: number) => void,
    onWarning?: (message: string) => void,
  ): Promise<SpeechRegion[]>;
}
