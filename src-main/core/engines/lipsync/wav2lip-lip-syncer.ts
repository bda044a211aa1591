// Owns the lip-sync engine: YuNet finds the speaker's face in each frame of a segment, the track
// smooths its box, and Wav2Lip-96 redraws the lower face from the audio's mel window for that
// frame; the result is blended back through a feathered mask. Frames stream through in chunks
// (see LipSyncSegmentRenderer), held back only the frames the box smoothing looks ahead and, as
// the detector runs on one frame in detectionStride (sparse-detection.ts), the frames waiting
// for the next detection.

import { RedubError } from '../../../shared/errors.js';
import type { ExecutionPreference } from '../../models/execution-providers.js';
import { FaceTrack } from './face-track.js';
import type {
  LipSyncFrames, LipSyncResult, LipSyncSegmentOptions, LipSyncSegmentRenderer, LipSyncStats, LipSyncer,
} from './lip-syncer.js';
import { lipSyncModelFiles, lipSyncVersion, type LipSyncModelFiles, type LipSyncPackDirectories } from './lipsync-version.js';
import { pasteMouth } from './mouth-paste.js';
import { melSampleRate, melWindowForFrame, wav2LipMel, type MelSpectrogram } from './wav2lip-mel.js';
import { Wav2LipModel, wav2LipCropRect, wav2LipFaceCrop, type Wav2LipItem } from './wav2lip-model.js';
import { YunetDetector, type DetectedFace } from './yunet-detector.js';
import type { Rect } from './image-resample.js';
import { detectionStride, SparseDetection } from './sparse-detection.js';

/** Share of a frame's work that is detection (the rest is the model and the paste), for progress. */
const detectionShare = 0.25;
/** The box smoothing's frames (FaceTrack's default), half of them ahead of the frame. */
const smoothingFrames = 5;
/** The most frames a segment holds back past those it has handed back. */
export const heldBackFrames = (smoothingFrames - 1) / 2 + detectionStride - 1;

export class Wav2LipLipSyncer implements LipSyncer {
  readonly id = 'wav2lip-96';
  /** Session runs go one at a time: two segments at once would only contend, and a GPU fall back swaps the session. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly detector: YunetDetector,
    private readonly model: Wav2LipModel,
    readonly files: LipSyncModelFiles,
    readonly version: string,
  ) {}

  /**
   * Loads both packs' ONNX files from their installed folders. A missing folder or file is
   * E_MODEL_MISSING naming the pack and `redub models install <id>`; a file ONNX Runtime cannot
   * load, or one of another layout, is E_MODEL_CORRUPT. A GPU provider that cannot start falls
   * back to the CPU with a warning sent to `log`.
   */
  static async load(directories: LipSyncPackDirectories, preference: ExecutionPreference = 'auto', log?: (message: string) => void): Promise<Wav2LipLipSyncer> {
    const files = lipSyncModelFiles(directories);
    const version = lipSyncVersion(files);
    const detector = await YunetDetector.load(files.detector, preference, log);
    try {
      const model = await Wav2LipModel.load(files.model, preference, log);
      return new Wav2LipLipSyncer(detector, model, files, version);
    } catch (error) {
      await detector.release().catch(() => undefined);
      throw error;
    }
  }

  /** The model's provider; the detector's too when it differs (one may have fallen back to the CPU). */
  get executionProvider(): string {
    const model = this.model.executionProvider;
    const detector = this.detector.executionProvider;
    return model === detector ? model : `${model} (face detector: ${detector})`;
  }

  /** Frames per model run: the graph's fixed batch, or up to 16 where its batch axis is symbolic. */
  get batchSize(): number {
    return this.model.batchSize;
  }

  begin(options: LipSyncSegmentOptions): LipSyncSegmentRenderer {
    return new SegmentRenderer(options, {
      detect: (frame) => this.serial(() => this.detector.detect(frame)),
      predict: (items) => this.serial(() => this.model.predict(items)),
      batchSize: this.model.batchSize,
    });
  }

  async render(video: LipSyncFrames, audio16k: Float32Array, onProgress?: (fraction: number) => void, signal?: AbortSignal): Promise<LipSyncResult> {
    const segment = this.begin({ width: video.width, height: video.height, fps: video.fps, audio16k, frameCount: video.frames.length, onProgress, signal });
    const frames = (await segment.push(video.frames)).concat(await segment.finish());
    return { frames, width: video.width, height: video.height, fps: video.fps, stats: segment.stats };
  }

  async dispose(): Promise<void> {
    await Promise.all([this.detector.release(), this.model.release()]);
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

interface SegmentEngine {
  detect(frame: { data: Uint8Array; width: number; height: number }): Promise<DetectedFace[]>;
  predict(items: Wav2LipItem[]): Promise<Float32Array[]>;
  batchSize: number;
}

class SegmentRenderer implements LipSyncSegmentRenderer {
  private readonly mel: MelSpectrogram;
  private readonly track = new FaceTrack({ smoothingFrames });
  private readonly detection: SparseDetection<Uint8Array>;
  /** Frames pushed and not yet handed back; the first is frame `handedBack` of the segment. */
  private readonly held: Uint8Array[] = [];
  private handedBack = 0;
  private readonly counts: LipSyncStats = { framesWithFace: 0, framesWithoutFace: 0 };
  private readonly frameBytes: number;
  private readonly frameCount: number;
  private state: 'ready' | 'busy' | 'finished' | 'failed' = 'ready';
  private reported = -1;

  constructor(
    private readonly options: LipSyncSegmentOptions,
    private readonly engine: SegmentEngine,
  ) {
    const { width, height, fps } = options;
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new RangeError(`frame size ${width}×${height} is not whole pixels`);
    if (!(fps > 0) || !Number.isFinite(fps)) throw new RangeError(`fps ${fps} is not a positive number`);
    this.frameBytes = width * height * 3;
    this.frameCount = Math.max(1, options.frameCount ?? Math.round((options.audio16k.length / melSampleRate) * fps));
    this.mel = wav2LipMel(options.audio16k);
    this.detection = new SparseDetection(this.track, (data) => this.engine.detect({ data, width, height }));
  }

  get stats(): LipSyncStats {
    return { ...this.counts };
  }

  push(frames: Uint8Array[], step?: () => Promise<void>): Promise<Uint8Array[]> {
    return this.guarded(async () => {
      for (const frame of frames) {
        this.checkCancelled();
        if (frame.length !== this.frameBytes) {
          throw new RangeError(`a frame has ${frame.length} bytes, not ${this.options.width}×${this.options.height}×3 = ${this.frameBytes}`);
        }
        this.held.push(frame);
        await this.detection.push(frame);
        this.progress();
        await step?.();
      }
      return this.renderSettled(step);
    });
  }

  finish(step?: () => Promise<void>): Promise<Uint8Array[]> {
    return this.guarded(async () => {
      await this.detection.finish();
      this.track.finish();
      const frames = await this.renderSettled(step);
      this.options.onProgress?.(1);
      return frames;
    }, true);
  }

  /** Renders and hands back every held frame whose smoothed box is final. */
  private async renderSettled(step?: () => Promise<void>): Promise<Uint8Array[]> {
    const count = this.track.settled - this.handedBack;
    const frames = this.held.slice(0, count);
    const out = [...frames];
    const work: { slot: number; index: number; rect: Rect }[] = [];
    const { width, height, fps } = this.options;
    for (let slot = 0; slot < count; slot++) {
      const index = this.handedBack + slot;
      const box = this.track.box(index);
      const rect = box ? wav2LipCropRect(box, width, height) : null;
      if (rect) work.push({ slot, index, rect });
      else this.counts.framesWithoutFace++;
    }
    // Crops are made a batch at a time, so a long chunk holds only one batch of them.
    for (let first = 0; first < work.length; first += this.engine.batchSize) {
      this.checkCancelled();
      const batch = work.slice(first, first + this.engine.batchSize);
      const items = batch.map(({ slot, index, rect }) => ({
        mel: melWindowForFrame(this.mel, index, fps),
        face: wav2LipFaceCrop({ data: frames[slot]!, width, height }, rect),
      }));
      const faces = await this.engine.predict(items);
      for (const [position, { slot, rect }] of batch.entries()) {
        const target = this.options.framesHandedOver ? frames[slot]! : frames[slot]!.slice();
        pasteMouth(target, width, rect, faces[position]!);
        out[slot] = target;
        this.counts.framesWithFace++;
        await step?.();
      }
      this.progress(this.handedBack + batch.at(-1)!.slot + 1);
    }
    this.held.splice(0, count);
    this.handedBack += count;
    this.progress();
    return out;
  }

  /** One call at a time, none after finish or a failure; foreign errors become a sentence. */
  private async guarded(work: () => Promise<Uint8Array[]>, last = false): Promise<Uint8Array[]> {
    if (this.state !== 'ready') {
      throw new Error(this.state === 'busy' ? 'a lip-sync segment call started before the previous one ended' : `the lip-sync segment is ${this.state}`);
    }
    this.state = 'busy';
    try {
      const frames = await work();
      this.state = last ? 'finished' : 'ready';
      return frames;
    } catch (error) {
      this.state = 'failed';
      if (error instanceof RedubError || error instanceof RangeError) throw error;
      throw new RedubError('E_STAGE_FAILED', {
        message: 'Lip-sync failed while rendering the segment.',
        details: [error instanceof Error ? error.message : String(error)],
        cause: error,
      });
    }
  }

  private checkCancelled(): void {
    if (this.options.signal?.aborted) throw new RedubError('E_CANCELLED');
  }

  /** Detection counts for a quarter of a frame's work, rendering for the rest; reported in 1 % steps. */
  private progress(rendered = this.handedBack): void {
    if (!this.options.onProgress) return;
    const done = detectionShare * this.track.length + (1 - detectionShare) * rendered;
    const percent = Math.min(99, Math.floor((100 * done) / this.frameCount));
    if (percent <= this.reported) return;
    this.reported = percent;
    this.options.onProgress(percent / 100);
  }
}
