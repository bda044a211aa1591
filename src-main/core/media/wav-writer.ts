// Writes a 16-bit PCM WAV of known length piece by piece, at any frame position, so a track of
// any length is written without ever being whole in memory (and two writers of one mix can fill
// their halves at the same time). The caller writes into a stage's fresh folder, which is only
// committed once its check passed: a crash mid-way leaves nothing that counts as done.
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { RedubError } from '../../shared/errors.js';
import { assertWavFits, toInt16Interleaved, wavHeader } from './wav.js';

export class WavWriter {
  private readonly descriptor: number;
  private readonly frameBytes: number;

  constructor(
    private readonly filePath: string,
    readonly channelCount: number,
    readonly sampleRate: number,
    readonly frames: number,
  ) {
    assertWavFits(filePath, channelCount, frames);
    this.frameBytes = 2 * channelCount;
    this.descriptor = this.guard(() => openSync(filePath, 'w'));
    this.guard(() => writeSync(this.descriptor, wavHeader(channelCount, sampleRate, frames), 0, 44, 0));
  }

  /** Writes `channels` from `startFrame` on (frames past the end are dropped); returns the 16-bit samples written. */
  write(startFrame: number, channels: readonly Float32Array[]): Int16Array {
    const count = Math.max(0, Math.min(channels[0]?.length ?? 0, this.frames - startFrame));
    const samples = toInt16Interleaved(channels, 0, count);
    this.writeSamples(startFrame, samples);
    return samples;
  }

  writeSamples(startFrame: number, samples: Int16Array): void {
    const bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
    this.guard(() => writeSync(this.descriptor, bytes, 0, bytes.length, 44 + startFrame * this.frameBytes));
  }

  /** Flushes to disk and closes; `keep: false` closes without the flush (the attempt failed). */
  close(keep = true): void {
    try {
      if (keep) this.guard(() => fsyncSync(this.descriptor));
    } finally {
      closeSync(this.descriptor);
    }
  }

  private guard<T>(action: () => T): T {
    try {
      return action();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new RedubError(code === 'ENOSPC' ? 'E_DISK_FULL' : 'E_STAGE_FAILED', { details: [`Cannot write ${this.filePath}: ${(error as Error).message}`] });
    }
  }
}
