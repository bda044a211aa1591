// Downloads model files and videos named by URL: into `<target>.part`, resuming with a Range
// request after a dropped connection or an interrupted run, retrying with backoff, and (for
// model files) verifying size and SHA-256 of the whole file before it is renamed into place.
// Files are large and links are flaky; a download must never start over when it need not, nor
// keep a byte the publisher did not sign. A host that keeps failing trips the process's circuit
// breaker, so queued work fails fast instead of each trying a dead server.
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { setTimeout as sleep } from 'node:timers/promises';
import { RedubError } from '../../shared/errors.js';
import { downloadBreaker, type CircuitBreaker } from '../files/circuit-breaker.js';
import { hashFile, type FileDigest } from './files.js';

export interface DownloadProgress {
  bytesDone: number;
  bytesTotal: number | null;
}

export interface DownloadOptions {
  expectedSize?: number;
  expectedSha256?: string;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
  fetchImpl?: typeof fetch;
  /** Attempts in a row that may fail without bringing a single new byte (default 4). */
  retries?: number;
  /** The first pause before a retry; it doubles each time (default 1 s, at most 32 s). */
  retryDelayMs?: number;
  /** A connection that sends nothing for this long is dropped and resumed (default 60 s). */
  idleTimeoutMs?: number;
  /** What is downloaded, which names the errors: a model file (default) or a video by URL. */
  purpose?: 'model' | 'media';
  /** More bytes than this is E_INPUT_TOO_LARGE (for a video whose size is not published). */
  maxBytes?: number;
  breaker?: CircuitBreaker;
}

export interface DownloadResult extends FileDigest {
  /** Whether any request continued an existing part with a Range request. */
  resumed: boolean;
}

/** A failure worth another attempt: the connection dropped, stalled, or the server had a 5xx moment. */
class TransientError extends Error {}

/** Errors that leave a part worth resuming; the installer keeps its staging folder for them. */
const resumableErrors = new WeakSet<object>();

export function isResumableFailure(error: unknown): boolean {
  return typeof error === 'object' && error !== null && resumableErrors.has(error);
}

function cancelled(): RedubError {
  const error = new RedubError('E_CANCELLED', { message: 'The download was cancelled.', action: 'Run the same command again; it resumes where it stopped.' });
  resumableErrors.add(error);
  return error;
}

function corrupt(url: string, detail: string): RedubError {
  return new RedubError('E_MODEL_CORRUPT', { message: 'The server sent a file that does not match its published checksum.', details: [url, detail] });
}

async function sizeOf(file: string): Promise<number> {
  return stat(file).then(
    (info) => info.size,
    () => 0,
  );
}

export async function downloadFile(url: string, target: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const part = `${target}.part`;
  const { expectedSize, signal } = options;
  const retries = options.retries ?? 4;
  const breaker = options.breaker ?? downloadBreaker;
  await mkdir(path.dirname(target), { recursive: true });
  let failures = 0;
  let resumed = false;
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw cancelled();
    let offset = await sizeOf(part);
    if (expectedSize !== undefined && offset > expectedSize) {
      await rm(part, { force: true });
      offset = 0;
    }
    // A part that already has every byte (an earlier run stopped before verifying) needs no request.
    if (expectedSize !== undefined && offset === expectedSize && offset > 0) break;
    if (offset > 0) resumed = true;
    breaker.assertClosed(url);
    try {
      await fetchOnce(url, part, offset, options);
      breaker.success(url);
      break;
    } catch (error) {
      if (!(error instanceof TransientError)) throw error;
      breaker.failure(url, error.message);
      failures = (await sizeOf(part)) > offset ? 0 : failures + 1;
      if (failures > retries || attempt >= 100) {
        const failure = new RedubError(options.purpose === 'media' ? 'E_URL_DOWNLOAD_FAILED' : 'E_MODEL_DOWNLOAD_FAILED', { message: `The download of ${url} kept failing.`, details: [error.message] });
        resumableErrors.add(failure);
        throw failure;
      }
      try {
        await sleep(Math.min((options.retryDelayMs ?? 1000) * 2 ** Math.max(0, failures - 1), 32_000), undefined, { signal });
      } catch {
        throw cancelled();
      }
    }
  }

  const digest = await hashFile(part);
  if (expectedSize !== undefined && digest.size !== expectedSize) {
    await rm(part, { force: true });
    throw corrupt(url, `${digest.size} bytes arrived, but ${expectedSize} are published.`);
  }
  if (options.expectedSha256 && digest.sha256 !== options.expectedSha256.toLowerCase()) {
    await rm(part, { force: true });
    throw corrupt(url, `SHA-256 ${digest.sha256}, published ${options.expectedSha256.toLowerCase()}.`);
  }
  await rename(part, target);
  return { ...digest, resumed };
}

/** One request: appends to the part (206), rewrites it (200), or finds it already complete (416). */
async function fetchOnce(url: string, part: string, offset: number, options: DownloadOptions): Promise<void> {
  const { expectedSize, signal } = options;
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let idleTimer: NodeJS.Timeout | undefined;
  const touch = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => controller.abort(), options.idleTimeoutMs ?? 60_000);
  };
  try {
    touch();
    // identity encoding: a byte range must count the file's own bytes, not a compressed stream's.
    const headers: Record<string, string> = { 'accept-encoding': 'identity' };
    if (offset > 0) headers.range = `bytes=${offset}-`;
    let response: Response;
    try {
      response = await (options.fetchImpl ?? fetch)(url, { headers, signal: controller.signal, redirect: 'follow' });
    } catch (error) {
      if (signal?.aborted) throw cancelled();
      throw new TransientError(`Could not connect: ${describe(error)}`);
    }

    if (response.status === 416 && offset > 0) {
      await response.body?.cancel();
      // The server has no bytes past our part: it is complete, and verification decides if it is right.
      if (expectedSize === undefined || offset === expectedSize) return;
      await rm(part, { force: true });
      throw new TransientError(`The server refused to resume at byte ${offset}; starting again.`);
    }
    if (!response.ok) {
      await response.body?.cancel();
      const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
      if (response.status >= 500 || response.status === 408 || response.status === 429) throw new TransientError(`The server answered HTTP ${status}.`);
      if (options.purpose === 'media') throw new RedubError(response.status === 404 || response.status === 410 ? 'E_URL_NOT_FOUND' : 'E_URL_DOWNLOAD_FAILED', { details: [`HTTP ${status}`, url] });
      throw new RedubError('E_MODEL_DOWNLOAD_FAILED', { message: `The server answered HTTP ${status} for ${url}.`, details: [`HTTP ${response.status}`, url] });
    }

    let append = false;
    let total: number | null = expectedSize ?? null;
    if (response.status === 206) {
      const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
      if (!range || Number(range[1]) !== offset) {
        await response.body?.cancel();
        await rm(part, { force: true });
        throw new TransientError('The server sent a different range than asked for; starting again.');
      }
      append = true;
      if (total === null && range[3] !== '*') total = Number(range[3]);
    } else {
      // 200 to a Range request: the server ignores ranges, so the part is rewritten from byte zero.
      const length = response.headers.get('content-length');
      if (total === null && length !== null) total = Number(length);
    }

    let done = append ? offset : 0;
    options.onProgress?.({ bytesDone: done, bytesTotal: total });
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        done += chunk.length;
        touch();
        if (expectedSize !== undefined && done > expectedSize) return callback(new TooLargeError());
        if (options.maxBytes !== undefined && done > options.maxBytes) return callback(new OverLimitError());
        options.onProgress?.({ bytesDone: done, bytesTotal: total });
        callback(null, chunk);
      },
    });
    const body = response.body ? Readable.fromWeb(response.body as unknown as NodeReadableStream<Uint8Array>) : Readable.from([]);
    try {
      await pipeline(body, counter, createWriteStream(part, { flags: append ? 'a' : 'w' }));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') {
        await rm(part, { force: true });
        throw new RedubError('E_DISK_FULL', { message: `The disk filled up while downloading ${options.purpose === 'media' ? 'the video' : 'a model file'}.`, details: [part], cause: error });
      }
      if (error instanceof OverLimitError) {
        await rm(part, { force: true });
        throw new RedubError('E_INPUT_TOO_LARGE', { details: [`${url} is larger than the limit of ${Math.round(options.maxBytes! / 1024 / 1024)} MB.`] });
      }
      if (error instanceof TooLargeError) {
        await rm(part, { force: true });
        throw corrupt(url, `More than the published ${expectedSize} bytes arrived.`);
      }
      if (signal?.aborted) throw cancelled();
      throw new TransientError(`The connection dropped after ${done} bytes: ${describe(error)}`);
    }
    if (expectedSize !== undefined && done < expectedSize) throw new TransientError(`The response ended after ${done} of ${expectedSize} bytes.`);
  } finally {
    clearTimeout(idleTimer);
    signal?.removeEventListener('abort', onAbort);
  }
}

class TooLargeError extends Error {}
/** More than the caller's size limit arrived (a video whose size was not published). */
class OverLimitError extends Error {}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}
