// Owns the lip-sync contract a lip-sync engine (a face detector and a Wav2Lip-style model)
// implements: the mouth region of the frames of one segment re-rendered to match the audio.
//
// Memory is bounded by the caller: a segment is rendered a chunk of frames at a time through
// `begin` (decode a chunk, push it, encode what comes back), so a long segment never sits in
// memory whole. `render` is the one-call form for frames already in memory.

export interface LipSyncFrames {
  /** RGB24 frames of the segment, width × height × 3 bytes each, in order. */
  frames: Uint8Array[];
  width: number;
  height: number;
  fps: number;
}

export interface LipSyncStats {
  /** Frames whose mouth was re-rendered. */
  framesWithFace: number;
  /** Frames passed through untouched (no face found, or a face too close to the edge to crop). */
  framesWithoutFace: number;
}

export interface LipSyncResult extends LipSyncFrames {
  stats: LipSyncStats;
}

export interface LipSyncSegmentOptions {
  width: number;
  height: number;
  fps: number;
  /** The segment's audio, 16 kHz mono, starting at the segment's first frame. */
  audio16k: Float32Array;
  /** How many frames the segment holds, for progress (default: the audio's length in frames). */
  frameCount?: number;
  onProgress?: (fraction: number) => void;
  /** Aborting stops the render at the next frame with E_CANCELLED. */
  signal?: AbortSignal;
  /**
   * The caller gives its frames up as it pushes them (it keeps no reference, as when they come
   * straight from the decoder): a face is pasted into its own frame instead of into a copy.
   * Otherwise the frames pushed are left as they were.
   */
  framesHandedOver?: boolean;
}

/**
 * One segment rendered a chunk at a time. Frames go in in order; rendered frames come out in the
 * same order, each exactly once, but up to a few frames later than they went in (a face box is
 * smoothed with the frames after it), so `finish` hands back the ones still held.
 */
export interface LipSyncSegmentRenderer {
  /**
   * Takes the next frames; resolves to the frames that are final now. Await each call before the
   * next. `step`, when given, is awaited after each frame's share of the work (its detection, its
   * paste), so a caller can move its own I/O along in between (renderThrough feeds the encoder there).
   */
  push(frames: Uint8Array[], step?: () => Promise<void>): Promise<Uint8Array[]>;
  /** Ends the segment; resolves to the frames still held. */
  finish(step?: () => Promise<void>): Promise<Uint8Array[]>;
  /** Counts over the frames handed back so far. */
  readonly stats: LipSyncStats;
}

export interface LipSyncer {
  readonly id: string;
  /** Changes whenever rendered frames could change. */
  readonly version: string;
  /** The execution provider the engine runs on now (cpu, cuda, …). */
  readonly executionProvider: string;
  /**
   * Starts one segment. A frame with no face is handed back as the very array that went in
   * (byte-identical); a frame with a face comes back as a new array.
   */
  begin(options: LipSyncSegmentOptions): LipSyncSegmentRenderer;
  /** The frames with the speaker's mouth re-synced to `audio16k` (16 kHz mono, as long as the frames). */
  render(video: LipSyncFrames, audio16k: Float32Array, onProgress?: (fraction: number) => void, signal?: AbortSignal): Promise<LipSyncResult>;
  /** Frees the sessions; the engine cannot render after. */
  dispose(): Promise<void>;
}
