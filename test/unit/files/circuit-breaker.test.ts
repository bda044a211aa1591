// The breaker that makes queued downloads fail fast against a host that keeps failing, and the
// downloader's use of it and of a size limit.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../../src-main/core/files/circuit-breaker.js';
import { downloadFile } from '../../../src-main/core/models/download.js';
import { inspectUrl } from '../../../src-main/core/files/url-input.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

function thrownCode(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('CircuitBreaker', () => {
  it('opens after the threshold of failures in a row, per host, and lets one attempt through after the cool-down', () => {
    let now = 0;
    const breaker = new CircuitBreaker(3, 10_000, () => now);
    for (let failure = 0; failure < 2; failure++) breaker.failure('https://dead.example/a', 'refused');
    expect(thrownCode(() => breaker.assertClosed('https://dead.example/b'))).toBeUndefined();
    breaker.failure('https://dead.example/c', 'refused');
    expect(thrownCode(() => breaker.assertClosed('https://dead.example/a'))).toBe('E_HOST_UNAVAILABLE');
    // Another host is not affected.
    expect(thrownCode(() => breaker.assertClosed('https://alive.example/a'))).toBeUndefined();
    now = 10_000;
    expect(thrownCode(() => breaker.assertClosed('https://dead.example/a'))).toBeUndefined();
    // The half-open attempt failed: open again at once.
    breaker.failure('https://dead.example/a', 'refused');
    expect(thrownCode(() => breaker.assertClosed('https://dead.example/a'))).toBe('E_HOST_UNAVAILABLE');
    now = 20_000;
    breaker.assertClosed('https://dead.example/a');
    breaker.success('https://dead.example/a');
    breaker.failure('https://dead.example/a', 'refused');
    expect(thrownCode(() => breaker.assertClosed('https://dead.example/a'))).toBeUndefined();
  });
});

describe('downloads against a failing host', () => {
  const temporary = useTemporaryDirectory('redub-breaker-');

  it('stop asking the host once the breaker opens, with E_HOST_UNAVAILABLE', async () => {
    const breaker = new CircuitBreaker(3, 60_000);
    let calls = 0;
    const refusing = (async () => {
      calls++;
      throw new TypeError('fetch failed: connect ECONNREFUSED');
    }) as unknown as typeof fetch;
    const target = path.join(temporary(), 'video.mp4');
    await expect(downloadFile('http://dead.example/video.mp4', target, { purpose: 'media', fetchImpl: refusing, breaker, retries: 10, retryDelayMs: 1 })).rejects.toMatchObject({ code: 'E_HOST_UNAVAILABLE' });
    expect(calls).toBe(3);
    // The next job's attempt fails at once, without a request.
    await expect(downloadFile('http://dead.example/other.mp4', target, { purpose: 'media', fetchImpl: refusing, breaker })).rejects.toMatchObject({ code: 'E_HOST_UNAVAILABLE' });
    await expect(inspectUrl('http://dead.example/third.mp4', { fetchImpl: refusing, breaker })).rejects.toMatchObject({ code: 'E_HOST_UNAVAILABLE' });
    expect(calls).toBe(3);
  });

  it('refuses a video over the size limit when its size is not published, keeping nothing', async () => {
    const body = new Uint8Array(64 * 1024);
    const unsized = (async () => new Response(new ReadableStream({ start(controller) { controller.enqueue(body); controller.enqueue(body); controller.close(); } }), { status: 200, headers: { 'content-type': 'video/mp4' } })) as unknown as typeof fetch;
    const target = path.join(temporary(), 'big.mp4');
    await expect(downloadFile('http://host.example/big.mp4', target, { purpose: 'media', fetchImpl: unsized, maxBytes: 100 * 1024, breaker: new CircuitBreaker() })).rejects.toMatchObject({ code: 'E_INPUT_TOO_LARGE' });
    expect(existsSync(target)).toBe(false);
    expect(existsSync(`${target}.part`)).toBe(false);
  });
});
