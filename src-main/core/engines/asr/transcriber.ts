// Owns the speech-recognition contract every transcription engine implements.
import type { SampleReader } from '../../media/wav-chunks.js';
import type { SpeechRegion } from '../vad/voice-activity-detector.js';

export interface TranscribedCue {
  startMs: number;
  endMs: number;
  text: string;
}

export interface Transcript {
  language: string;
  /** Set when the language was detected: how sure the model was (0–1). */
  languageProbability: number | null;
  cues: TranscribedCue[];
  /** Segments left out because they repeat themselves (a decoding loop, not speech). */
  droppedLoops: number;
}

export interface TranscribeOptions {
  /** The spoken language as a Whisper code ('en', 'es'); null to detect it. */
  language: string | null;
  regions: readonly SpeechRegion[];
  onProgress?: (fraction: number) => void;
}

export interface Transcriber {
  readonly id: string;
  /** Changes whenever transcripts could change; the job log names it. */
  readonly version: string;
  /** The execution provider the engine runs on now (cpu, cuda, …). */
  readonly executionProvider: string;
  /**
   * Cues on the clock of `audio` (16 kHz mono), with the language spoken or detected. A reader is
   * asked only for the windows it transcribes, so a long track need not be held whole.
   */
  transcribe(audio: Float32Array | SampleReader, options: TranscribeOptions): Promise<Transcript>;
}
