// Owns the source-separation contract a separation engine (an MDX-Net style model) implements:
// the original audio split into the voices and everything else, file to file, so a track of any
// length passes through in pieces and is never whole in memory.

import type { ExecutionProviderName } from '../../models/execution-providers.js';

/** Where the two stems go: stereo 16-bit WAVs of the input's rate and frame count. */
export interface StemPaths {
  vocals: string;
  background: string;
}

export interface SeparateOptions {
  /** Called with 0–1, never decreasing, and with 1 once both stems are written. */
  onProgress?: (fraction: number) => void;
  /** Awaited between pieces of work, so a paused job holds the engine there. */
  pause?: () => Promise<void>;
  /** Aborting stops at the next piece with E_CANCELLED; the stems written so far are removed. */
  signal?: AbortSignal;
}

export interface SourceSeparator {
  /** Changes whenever the stems could change for the same input. */
  readonly version: string;
  /** The execution provider the engine runs on now (cpu, cuda, …). */
  readonly executionProvider: ExecutionProviderName;
  separateFile(inputWav: string, stems: StemPaths, options?: SeparateOptions): Promise<{ frames: number }>;
  release(): Promise<void>;
}
