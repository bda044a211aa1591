import { describe, expect, it, vi } from 'vitest';
import { backoffDelayMs, createRedubClient, RedubApiError } from '../../../src-main/shared/client/index.js';
import { isConnectionRefused } from '../../../src-main/shared/client/request.js';
import { hanging, json, refused, reset, scriptedFetch } from './fake-fetch.js';

const id = '3f2b8c1e-8f4a-4a5e-9b1c-2d3e4f5a6b7c';
const serverError = () => json({ error: { code: 'E_INTERNAL', message: 'Boom.', action: 'Retry.' } }, 500);
const settings = { cpuWorkers: 1 };

function clientWith(fetch: ReturnType<typeof scriptedFetch>['fetch'], options: { retries?: number; timeoutMs?: number; random?: () => number } = {}) {
  return createRedubClient({ baseUrl: 'http://127.0.0.1:8383', token: 'secret', fetch, retries: options.retries, timeoutMs: options.timeoutMs, backoff: { baseMs: 1, maxMs: 4, random: options.random ?? (() => 0.5) } });
}

async function failure(promise: Promise<unknown>): Promise<RedubApiError> {
  const caught = await promise.then(() => null, (error: unknown) => error);
  expect(caught).toBeInstanceOf(RedubApiError);
  return caught as RedubApiError;
}

describe('backoffDelayMs', () => {
  it('is full jitter: a uniform fraction of base·2ⁿ, capped', () => {
    const policy = (random: number) => ({ baseMs: 100, maxMs: 1000, random: () => random });
    expect(backoffDelayMs(0, policy(0))).toBe(0);
    expect(backoffDelayMs(0, policy(0.999))).toBe(99);
    expect(backoffDelayMs(2, policy(0.5))).toBe(200);
    expect(backoffDelayMs(3, policy(0.999))).toBe(799);
    expect(backoffDelayMs(10, policy(0.999))).toBe(999); // capped at maxMs
    expect(backoffDelayMs(500, policy(0.5))).toBe(500); // no overflow for a long outage
  });

  it('stays within [0, cap) for any random number, including a broken one', () => {
    for (const random of [-1, 0, 0.3, 0.9999, 1, 7]) {
      const delay = backoffDelayMs(4, { baseMs: 10, maxMs: 10_000, random: () => random });
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(160);
    }
  });

  it('waits the jittered delay between attempts', async () => {
    const randoms = [0.25, 0.75, 0.5];
    const delays: number[] = [];
    const realSetTimeout = globalThis.setTimeout;
    const spy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((callback: () => void, ms?: number) => {
      delays.push(ms ?? 0);
      return realSetTimeout(callback, 0);
    }) as typeof setTimeout);
    try {
      const { fetch } = scriptedFetch([serverError(), serverError(), serverError(), json(settings)]);
      const client = createRedubClient({ baseUrl: '', token: null, fetch, timeoutMs: 0, backoff: { baseMs: 100, maxMs: 10_000, random: () => randoms.shift()! } });
      await client.getSettings();
    } finally {
      spy.mockRestore();
    }
    expect(delays).toEqual([25, 150, 200]); // 0.25·100, 0.75·200, 0.5·400
  });
});

describe('which failures are retried', () => {
  it('retries a GET on 5xx up to the attempt limit (4 by default), then throws the last error', async () => {
    const { fetch } = scriptedFetch([], () => serverError());
    const error = await failure(clientWith(fetch).getSettings());
    expect(fetch).toHaveBeenCalledTimes(4);
    expect(error.status).toBe(500);
    expect(error.message).toBe('Boom.');
  });

  it('returns the answer of a retry that succeeds', async () => {
    const { fetch } = scriptedFetch([json({}, 503), reset(), json(settings)]);
    await expect(clientWith(fetch).getSettings()).resolves.toEqual(settings);
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it('honours a smaller attempt limit', async () => {
    const { fetch } = scriptedFetch([], () => serverError());
    await failure(clientWith(fetch, { retries: 2 }).queueStatus());
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it.each([400, 401, 404, 409, 413, 422])('never retries a %i', async (status) => {
    const { fetch } = scriptedFetch([], json({ error: { code: 'E_BAD_REQUEST', message: 'No.', action: 'Fix it.' } }, status));
    const error = await failure(clientWith(fetch).getJob(id));
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(error.status).toBe(status);
  });

  it('retries PUT and DELETE like GET: sending them twice does the work once', async () => {
    const { fetch, sent } = scriptedFetch([serverError(), json({ paused: true }), serverError(), json({ id, deleted: true })]);
    const client = clientWith(fetch);
    await client.setQueuePaused(true);
    await client.deleteJob(id);
    expect(sent.map((request) => request.init.method)).toEqual(['PUT', 'PUT', 'DELETE', 'DELETE']);
    expect(sent[1]!.init.body).toBe(JSON.stringify({ paused: true })); // the body goes again too
  });

  it('never retries a POST or PATCH that may have reached the server (5xx, reset, timeout)', async () => {
    for (const answer of [serverError(), reset()]) {
      const { fetch } = scriptedFetch([answer], json({ jobs: [] }, 201));
      await failure(clientWith(fetch).createJobs({ input: '/v.mp4', to: ['es'] }));
      expect(fetch).toHaveBeenCalledTimes(1);
    }
    const { fetch } = scriptedFetch([serverError()], json({}));
    await failure(clientWith(fetch).updateSettings({ maxSpeed: 1.2 }));
    expect(fetch).toHaveBeenCalledTimes(1);
    const slow = scriptedFetch([hanging], json({ jobs: [] }, 201));
    const error = await failure(clientWith(slow.fetch, { timeoutMs: 20 }).retryJob(id));
    expect(error.code).toBe('E_API_TIMEOUT');
    expect(slow.fetch).toHaveBeenCalledTimes(1);
  });

  it('retries a POST whose connection was refused, since nothing was sent', async () => {
    const { fetch, sent } = scriptedFetch([refused(), refused(), json({ jobs: [] }, 201)]);
    await expect(clientWith(fetch).createJobs({ input: '/v.mp4', to: ['es'] })).resolves.toEqual({ jobs: [] });
    expect(sent).toHaveLength(3);
  });

  it('says the API cannot be reached once a refused connection stays refused', async () => {
    const { fetch } = scriptedFetch([], refused());
    const error = await failure(clientWith(fetch).createJobs({ input: '/v.mp4', to: ['es'] }));
    expect(fetch).toHaveBeenCalledTimes(4);
    expect(error.code).toBe('E_API_UNREACHABLE');
    expect(error.status).toBeNull();
    expect(error.details).toEqual(['fetch failed (ECONNREFUSED)']);
  });

  it('reads a refusal from Node’s fetch, also for localhost’s two addresses, and nothing else as one', () => {
    expect(isConnectionRefused(refused())).toBe(true);
    const both = new TypeError('fetch failed', { cause: new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' }), Object.assign(new Error('b'), { code: 'ECONNREFUSED' })]) });
    expect(isConnectionRefused(both)).toBe(true);
    const mixed = new TypeError('fetch failed', { cause: new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' }), Object.assign(new Error('b'), { code: 'ETIMEDOUT' })]) });
    expect(isConnectionRefused(mixed)).toBe(false);
    expect(isConnectionRefused(reset())).toBe(false);
    expect(isConnectionRefused(new TypeError('Failed to fetch'))).toBe(false); // a browser tells nothing more
  });
});

describe('time limits and the caller’s signal', () => {
  it('gives each attempt of a GET its own limit, retries on timeout, then says it timed out', async () => {
    const { fetch } = scriptedFetch([], hanging);
    const started = Date.now();
    const error = await failure(clientWith(fetch, { timeoutMs: 30, retries: 3 }).queueStatus());
    expect(error.code).toBe('E_API_TIMEOUT');
    expect(error.details[0]).toMatch(/GET http:\/\/127\.0\.0\.1:8383\/api\/v1\/queue had no answer within 30 ms/);
    expect(fetch).toHaveBeenCalledTimes(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(85);
  });

  it('times out a reply whose body stops coming', async () => {
    const stalled = () => new Response(new ReadableStream({ start: (controller) => controller.enqueue(new TextEncoder().encode('{"paus')) }), { status: 200 });
    const { fetch } = scriptedFetch([], (request) => {
      const response = stalled();
      // fetch ties the body to the request's signal; this fake does the same.
      const reader = response.body!.getReader();
      const body = new ReadableStream({
        pull: async (controller) => {
          const aborted = new Promise<never>((_resolve, reject) => request.init.signal!.addEventListener('abort', () => reject(request.init.signal!.reason)));
          const next = await Promise.race([reader.read(), aborted]);
          if (next.done) controller.close();
          else controller.enqueue(next.value);
        },
      });
      return new Response(body, { status: 200 });
    });
    const error = await failure(clientWith(fetch, { timeoutMs: 30, retries: 2 }).queueStatus());
    expect(error.code).toBe('E_API_TIMEOUT');
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('lets a call set its own limit', async () => {
    const { fetch } = scriptedFetch([], hanging);
    const client = clientWith(fetch, { timeoutMs: 60_000, retries: 1 });
    const error = await failure(client.getJob(id, { timeoutMs: 20 }));
    expect(error.code).toBe('E_API_TIMEOUT');
  });

  it('stops at once, without retrying, when the caller aborts', async () => {
    const { fetch } = scriptedFetch([], hanging);
    const controller = new AbortController();
    const pending = clientWith(fetch).getJob(id, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('the caller gave up')), 20);
    await expect(pending).rejects.toThrow('the caller gave up');
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('stops during the wait between attempts when the caller aborts', async () => {
    const { fetch } = scriptedFetch([], () => serverError());
    const client = createRedubClient({ baseUrl: '', token: null, fetch, backoff: { baseMs: 10_000, maxMs: 10_000, random: () => 0.99 } });
    const controller = new AbortController();
    const pending = client.getSettings({ signal: controller.signal });
    setTimeout(() => controller.abort(new Error('enough')), 20);
    await expect(pending).rejects.toThrow('enough');
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('gives uploads no time limit by default, however slow they are', async () => {
    const { fetch } = scriptedFetch([], (request) => new Promise((resolve) => setTimeout(() => resolve(json({ jobs: [] }, 201)), 60)).then((reply) => {
      expect(request.init.signal).toBeUndefined();
      return reply as Response;
    }));
    const client = clientWith(fetch, { timeoutMs: 20 });
    await expect(client.uploadJobs({ video: new File(['v'], 'talk.mp4'), to: ['es'] })).resolves.toEqual({ jobs: [] });
  });
});

describe('answers that are not JSON errors', () => {
  it('reads GET /health’s 503 as the report it is, without retrying', async () => {
    const report = { ok: false, version: '0.1.0', storage: { ok: false, freeBytes: 0, problem: { code: 'E_DISK_FULL', message: 'Full.', action: 'Free space.' } } };
    const { fetch, sent } = scriptedFetch([json(report, 503)]);
    await expect(clientWith(fetch).health()).resolves.toEqual(report);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('http://127.0.0.1:8383/api/v1/health');
  });

  it('reads GET /metrics as Prometheus text', async () => {
    const text = '# HELP redub_jobs Jobs.\nredub_jobs 3\n';
    const { fetch, sent } = scriptedFetch([new Response(text, { headers: { 'Content-Type': 'text/plain; version=0.0.4' } })]);
    await expect(clientWith(fetch).metrics()).resolves.toBe(text);
    expect(sent[0]!.headers).toMatchObject({ Accept: 'text/plain', Authorization: 'Bearer secret' });
  });
});
