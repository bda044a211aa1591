// GET /api/v1/stats through a real server over a seeded data folder, and the renderer's HTTP
// bridge against that same server.
import { afterEach, describe, expect, it } from 'vitest';
import type { Stats } from '../../../src-main/shared/contract.js';
import { isTerminalJobState } from '../../../src-main/shared/jobs.js';
import { createHttpBridge } from '../../../src-renderer/bridge/http-bridge.js';
import { seedJobs, statsFixture } from '../../helpers/stats-seed.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { expectApiError, send, startHarness, type Harness } from './server-harness.js';

describe('GET /api/v1/stats', () => {
  const directory = useTemporaryDirectory();
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  /** The fixture's finished jobs only: a queued one would be picked up by the server's own scheduler.
   * Without the job that ends exactly as the day's window opens: the server's clock has moved on since. */
  async function seededServer(): Promise<Harness> {
    harness = await startHarness(directory());
    seedJobs(harness.service.core.store.db, statsFixture(Date.now()).filter((job) => isTerminalJobState(job.state) && job.id !== 'j'));
    return harness;
  }

  it('answers the last 24 hours by default and a week when asked', async () => {
    const { port, auth } = await seededServer();
    const day = await send(port, { path: '/api/v1/stats', headers: auth });
    expect(day.status, day.text).toBe(200);
    const stats = day.json<Stats>();
    expect(stats.windowHours).toBe(24);
    expect(Date.parse(stats.to) - Date.parse(stats.from)).toBe(86_400_000);
    expect(stats.jobs).toMatchObject({ finished: 5, done: 3, failed: 1, cancelled: 1, successRate: 3 / 5, failureRate: 1 / 5 });
    expect(stats.jobs.byState).toEqual({ queued: 0, running: 0, retry_wait: 0, done: 4, failed: 1, cancelled: 1 });
    expect(stats.durations.job).toEqual({ count: 3, medianMs: 120_000, p95Ms: 300_000 });
    expect(stats.durations.stages.transcribe).toEqual({ count: 2, medianMs: 20_000, p95Ms: 40_000 });
    expect(stats.mediaMinutesPerHour).toBe(6 / 24);

    const week = (await send(port, { path: '/api/v1/stats?windowHours=168', headers: auth })).json<Stats>();
    expect(week).toMatchObject({ windowHours: 168, jobs: { finished: 6, done: 4 }, durations: { job: { count: 4, medianMs: 120_000, p95Ms: 1_000_000 } } });
  });

  it.each([
    ['text', 'abc'],
    ['zero', '0'],
    ['more than a year', String(24 * 366)],
    ['infinity', 'Infinity'],
  ])('refuses a window that is %s with a 400 naming windowHours', async (_name, value) => {
    const { port, auth } = await seededServer();
    const reply = await send(port, { path: `/api/v1/stats?windowHours=${value}`, headers: auth });
    expectApiError(reply, 400, 'E_BAD_REQUEST');
    expect(reply.json<{ error: { details: string[] } }>().error.details.join(' ')).toMatch(/^windowHours: /);
  });

  it('needs the token', async () => {
    const { port } = await seededServer();
    expectApiError(await send(port, { path: '/api/v1/stats' }), 401, 'E_UNAUTHORIZED');
  });

  it('reaches the renderer through its HTTP bridge', async () => {
    const { port, token } = await seededServer();
    const bridge = createHttpBridge({ origin: `http://127.0.0.1:${port}`, token });
    await expect(bridge.getStats({ windowHours: 24 * 30 })).resolves.toMatchObject({ windowHours: 720, jobs: { finished: 6 } });
    await expect(bridge.getStats()).resolves.toMatchObject({ windowHours: 24, jobs: { finished: 5 } });
    await expect(bridge.getStats({ windowHours: -1 })).rejects.toMatchObject({ code: 'E_BAD_REQUEST' });
  });
});
