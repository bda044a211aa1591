import { describe, expect, it } from 'vitest';
import type { LipSyncSegmentRenderer, LipSyncStats } from '../../../../src-main/core/engines/lipsync/lip-syncer.js';
import { chunkFrames, renderChunkFrames, renderThrough } from '../../../../src-main/core/engines/lipsync/render-stream.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Hands each frame back a frame later, as a new array; calls `step` after each frame, as the engine does. */
class DelayingRenderer implements LipSyncSegmentRenderer {
  private held: Uint8Array[] = [];
  pushing = false;
  /** The length of each chunk pushed. */
  readonly chunks: number[] = [];
  readonly stats: LipSyncStats = { framesWithFace: 0, framesWithoutFace: 0 };

  async push(frames: Uint8Array[], step?: () => Promise<void>): Promise<Uint8Array[]> {
    this.pushing = true;
    this.chunks.push(frames.length);
    const out: Uint8Array[] = [];
    for (const frame of frames) {
      this.held.push(frame);
      await tick();
      await step?.();
      if (this.held.length > 1) out.push(Uint8Array.from(this.held.shift()!));
    }
    this.pushing = false;
    this.stats.framesWithFace += out.length;
    return out;
  }

  async finish(step?: () => Promise<void>): Promise<Uint8Array[]> {
    await step?.();
    const out = this.held.map((frame) => Uint8Array.from(frame));
    this.stats.framesWithFace += out.length;
    this.held = [];
    return out;
  }
}

async function* numbered(count: number): AsyncGenerator<Uint8Array> {
  for (let index = 0; index < count; index++) {
    await tick();
    yield Uint8Array.of(index % 256, index >> 8);
  }
}

/** A sink taking a few event-loop turns per frame, recording what it got and how many writes overlapped. */
function slowSink(failAt = -1) {
  const got: number[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  let duringPush = 0;
  const sink = {
    renderer: undefined as DelayingRenderer | undefined,
    async write(frame: Uint8Array): Promise<void> {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      if (sink.renderer?.pushing) duringPush++;
      for (let turn = 0; turn < 3; turn++) await tick();
      inFlight--;
      const index = frame[0]! + 256 * frame[1]!;
      if (index === failAt) throw new Error('the encoder went away');
      got.push(index);
    },
  };
  return { sink, got, stats: () => ({ mostInFlight, duringPush }) };
}

describe('renderThrough', () => {
  it('writes every frame the renderer hands back once and in order, one write at a time, while the renderer works', async () => {
    const count = 3 * renderChunkFrames + 5;
    const renderer = new DelayingRenderer();
    const { sink, got, stats } = slowSink();
    sink.renderer = renderer;
    const reports: number[] = [];
    const result = await renderThrough(renderer, numbered(count), sink, (written) => {
      reports.push(written);
    });
    expect(got).toEqual(Array.from({ length: count }, (_, index) => index));
    expect(result.framesWithFace).toBe(count);
    expect(stats().mostInFlight).toBe(1);
    // The frames of one chunk go to the encoder while the next is rendered, not after it.
    expect(stats().duringPush).toBeGreaterThanOrEqual(renderChunkFrames / 2);
    expect(reports.at(-1)).toBe(count);
    // Short chunks first, so the encoder starts early; full ones after, the rest at the end.
    expect(renderer.chunks).toEqual([4, 8, renderChunkFrames, renderChunkFrames, count - 12 - 2 * renderChunkFrames]);
    expect([0, 1, 2, 9].map(chunkFrames)).toEqual([4, 8, renderChunkFrames, renderChunkFrames]);
    for (let index = 1; index < reports.length; index++) expect(reports[index]!).toBeGreaterThan(reports[index - 1]!);
  });

  it('rejects with the encoder\'s own error when a write fails, and writes nothing after it', async () => {
    const { sink, got } = slowSink(20);
    await expect(renderThrough(new DelayingRenderer(), numbered(3 * renderChunkFrames), sink)).rejects.toThrow('the encoder went away');
    expect(got).toEqual(Array.from({ length: 20 }, (_, index) => index));
  });
});
