// Owns the source-separation contract a separation engine (an MDX-Net style model) implements:
// the original audio split into the voices and everything else.

export interface SeparatedStems {
  sampleRate: number;
  /** One array per channel. */
  vocals: Float32Array[];
  background: Float32Array[];
}

export interface SourceSeparator {
  readonly id: string;
  /** Changes whenever the stems could change. */
  readonly version: string;
  /** The execution provider the engine runs on now (cpu, cuda, …). */
  readonly executionProvider: string;
  separate(channels: Float32Array[], sampleRate: number, onProgress?: (fraction: number) => void): Promise<SeparatedStems>;
}
