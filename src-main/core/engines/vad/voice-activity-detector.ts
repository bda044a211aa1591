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

export interface VoiceActivityDetector {
  readonly id: string;
  /** Changes whenever results could change, so cached VAD artifacts are keyed by it. */
  readonly version: string;
  readonly executionProvider: string;
  detect(samples16k: Float32Array, options?: VadOptions, onProgress?: (fraction: number) => void): Promise<SpeechRegion[]>;
}
