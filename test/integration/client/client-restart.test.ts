// `redub/client` against a real `redub serve` that is stopped in the middle of a job and started
// again on the same data folder and port: the event stream reconnects by itself (sending the last
// event id, so the new server answers `resync`), and waitForJob still returns the finished job.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedubClient, type ClientEvent, type ConnectionState } from '../../../src-main/shared/client/index.js';
import { generateSpokenVideo, sampleLines } from '../../fixtures/spoken-video.js';
import { waitFor } from '../../helpers/job-watch.js';
import { startServe, type ServeProcess } from '../../helpers/serve-process.js';

const root = mkdtempSync(path.join(tmpdir(), 'redub-client-'));
let video: Awaited<ReturnType<typeof generateSpokenVideo>>;
const servers: ServeProcess[] = [];

describe('the client across a server restart', { timeout: 420_000 }, () => {
  beforeAll(async () => {
    video = await generateSpokenVideo({ dir: path.join(root, 'fixture'), name: 'talk', lines: sampleLines, minimumDurationMs: 120_000, numberLines: true });
  }, 120_000);
  afterAll(async () => {
    for (const server of servers) await server.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('reconnects, resyncs and waitForJob returns the job done', async () => {
    const dataDir = path.join(root, 'data');
    const outDir = path.join(root, 'out');
    const first = await startServe(dataDir);
    servers.push(first);
    const port = Number(new URL(first.url).port);
    const client = createRedubClient({ baseUrl: first.url, token: first.token, heartbeatTimeoutMs: 10_000, backoff: { baseMs: 100, maxMs: 1000 } });

    const events: ClientEvent[] = [];
    const states: ConnectionState[] = [];
    const subscription = client.subscribe((event) => events.push(event), { onConnection: (state) => states.push(state) });
    await waitFor('the event stream to open', () => states.includes('open') || null, 10_000);

    const { jobs } = await client.createJobs({ input: video.video, to: ['es'], subtitles: video.sourceSubtitles, translations: { es: video.targetSubtitles }, outDir });
    const jobId = jobs[0]!.id;
    const finished = client.waitForJob(jobId, { timeoutMs: 360_000 });
    const failure = finished.then(() => null, (error: unknown) => error);

    await waitFor('the job to run', () => events.some((event) => event.type === 'job.updated' && event.job.id === jobId && event.job.state === 'running') || null, 60_000, 20);
    await waitFor('an event with an id', () => subscription.lastEventId, 10_000);
    const idBeforeStop = subscription.lastEventId!;
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const stopped = await first.stop();
    servers.splice(servers.indexOf(first), 1);
    expect(stopped.code, stopped.stderr).toBe(0);
    await waitFor('the client to notice', () => states.at(-1) === 'lost' || null, 15_000);
    expect(await client.getJob(jobId, { timeoutMs: 2000 }).then(() => 'answered', (error: { code?: string }) => error.code)).toBe('E_API_UNREACHABLE');

    const second = await startServe(dataDir, {}, port);
    servers.push(second);
    expect(second.token).toBe(first.token);

    const job = await finished;
    expect(await failure).toBeNull();
    expect(job.id).toBe(jobId);
    expect(job.state).toBe('done');
    expect(existsSync(job.outputs.video!)).toBe(true);

    // The subscription came back on its own and told the listener the missed events were gone.
    expect(states.slice(0, 3)).toEqual(['open', 'lost', 'open']);
    const resync = events.find((event) => event.type === 'resync');
    expect(resync, `last id before the stop: ${idBeforeStop}`).toMatchObject({ type: 'resync', reason: expect.any(String) });
    expect(subscription.lastEventId?.split(':')[0]).not.toBe(idBeforeStop.split(':')[0]); // a new boot
    subscription.unsubscribe();
  });
});
