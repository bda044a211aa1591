// Owns the lip-sync contract a lip-sync engine (a face detector and a Wav2Lip-style model)
// implements: the mouth region of the frames of one segment re-rendered to match the audio.

export interface LipSyncFrames {
  /** RGB24 frames of the segment, width × height × 3 bytes each, in order. */
  frames: Uint8Array[];
  width: number;
  height: number;
  fps: number;
}

export interface LipSyncer {
  readonly id: string;
  /** Changes whenever rendered frames could change. */
  readonly version: string;
  /** The execution provider the engine runs on now (cpu, cuda, …). */
  readonly executionProvider: string;
  /** The frames with the speaker's mouth re-synced to `audio16k` (16 kHz mono, as long as the frames). */
  render(video: LipSyncFrames, audio16k: Float32Array, onProgress?: (fraction: number) => void): Promise<LipSyncFrames>;
}
