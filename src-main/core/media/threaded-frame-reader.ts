// Owns decoding a video's frames to RGB24 through an ffmpeg whose stdout is read from a thread of
// its own (tool-thread.ts says why): read from the thread that renders (readFrames), ffmpeg stops
// decoding whenever a model or a resize holds that thread, as its pipe holds less than a frame;
// read from this one, it decodes the next frames meanwhile, into pooled frames shared with the
// thread ahead (their number bounded by bytes, so a 4K video holds as little in memory as 720p).
import { RedubError } from '../../shared/errors.js';
import { FramePool, frameReaderArguments, rgbFrameBytes, tooFewFrames, type FrameRequest } from './raw-video.js';
import { SharedFrames, ToolThread } from './tool-thread.js';

/** Bytes of frames decoded ahead of the reader, at most: 16 frames of 720p, 2 of 4K. */
const aheadBytes = 48 * 1024 * 1024;
const mostAhead = 16;

/** Frames of `frameBytes` decoded ahead of the reader: at least two, so decoding never waits on a hand-over. */
export function framesAhead(frameBytes: number): number {
  return Math.max(2, Math.min(mostAhead, Math.floor(aheadBytes / frameBytes)));
}

/**
 * Fills each frame it is sent with the next frame from ffmpeg's stdout and names it back; while
 * it has no empty frame, stdout is paused and ffmpeg waits.
 */
const body = String.raw`
const { frameSize, frameCount } = workerData;
const free = [];
let frame = null;
let filled = 0;
let sent = 0;
let leftover = null;
const take = (chunk) => {
  let offset = 0;
  // Past the frames asked for (ffmpeg stops there), nothing waits for a frame that never comes.
  while (offset < chunk.length && sent < frameCount) {
    if (frame === null) {
      frame = free.pop() ?? null;
      if (frame === null) {
        leftover = chunk.subarray(offset);
        child.stdout.pause();
        return;
      }
      filled = 0;
    }
    const taken = Math.min(frameSize - filled, chunk.length - offset);
    frame.view.set(chunk.subarray(offset, offset + taken), filled);
    filled += taken;
    offset += taken;
    if (filled === frameSize) {
      parentPort.postMessage({ slot: frame.slot });
      frame = null;
      sent++;
    }
  }
};
// ffmpeg may have exited, its pipe drained, while the end of its output waits here for frames.
let closed = null;
closing.wait = (done) => {
  if (leftover === null) done();
  else closed = done;
};
const closeIfDrained = () => {
  if (leftover !== null || closed === null) return;
  const done = closed;
  closed = null;
  done();
};
child.stdout.on('error', () => undefined);
child.stdout.on('data', (chunk) => {
  // A chunk already on its way when the stream was paused joins what waits.
  if (leftover !== null) leftover = Buffer.concat([leftover, chunk]);
  else take(chunk);
});
parentPort.on('message', (message) => {
  if (message === 'destroy') {
    child.stdout.destroy();
    leftover = null;
    closeIfDrained();
    return;
  }
  free.push({ slot: message.slot, view: message.frame });
  if (leftover === null) return;
  const waiting = leftover;
  leftover = null;
  take(waiting);
  if (leftover === null) child.stdout.resume();
  closeIfDrained();
});
`;

/**
 * readFrames, decoded ahead from a thread: yields frames `fromFrame` … `fromFrame + frameCount - 1`
 * of `inputPath`'s first video stream as RGB24, in frames from `request.pool` (or a pool of its
 * own) that are the caller's once yielded. Breaking out of the loop kills ffmpeg; aborting `signal`
 * rejects with E_CANCELLED; a video that ends early is E_FFMPEG_FAILED.
 */
export async function* readFramesThreaded(inputPath: string, request: FrameRequest, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const args = await frameReaderArguments(inputPath, request, signal);
  if (args === null) return;
  const frameSize = rgbFrameBytes(request.width, request.height);
  const pool = request.pool ?? new FramePool(frameSize);
  const shared = new SharedFrames();
  const ready: Uint8Array[] = [];
  let wake: (() => void) | undefined;
  const wakeReader = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const tool = new ToolThread({
    args: ['-nostdin', ...args],
    stdio: ['ignore', 'pipe', 'pipe'],
    body,
    data: { frameSize, frameCount: request.frameCount },
    signal,
    onMessage: (message) => {
      ready.push(shared.back((message as { slot: number }).slot));
      wakeReader();
    },
    onClosed: wakeReader,
  });
  let handedOver = 0;
  const handOver = () => {
    if (handedOver >= request.frameCount) return;
    handedOver++;
    tool.post(shared.lend(pool.take()));
  };
  let delivered = 0;
  let finished = false;
  try {
    for (let index = 0; index < framesAhead(frameSize); index++) handOver();
    while (delivered < request.frameCount) {
      while (ready.length === 0 && !tool.ended) await new Promise<void>((resolve) => (wake = resolve));
      if (signal?.aborted) throw new RedubError('E_CANCELLED');
      const frame = ready.shift();
      if (frame === undefined) break;
      delivered++;
      handOver();
      yield frame;
    }
    const failed = await tool.failure();
    finished = true;
    if (failed) throw failed;
    if (delivered < request.frameCount) throw tooFewFrames(inputPath, request, delivered);
  } finally {
    // Stopped early (broken out of, or failed): nobody wants ffmpeg's output any more.
    if (!finished) tool.kill(signal?.aborted ? 'SIGTERM' : 'SIGKILL');
    await tool.close();
  }
}
