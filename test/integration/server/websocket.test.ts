// The local API's WebSockets against a real server with real workers: a job's progress socket
// follows a dub to the end and closes, a cancel sent on it stops a running job, the events socket
// resumes from an id, and the faults: no token, a foreign Host, garbage, a client that stopped
// answering pings, and the server going away.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSummary } from '../../../src-main/shared/jobs.js';
import { workerEntryPath } from '../../../src-main/core/package-root.js';
import { generateSpokenVideo, sampleLines } from '../../fixtures/spoken-video.js';
import { bundledSample } from '../../helpers/cli.js';
import { send, startHarness, type Harness } from './server-harness.js';
import { openSocket, refusedUpgrade, type SocketMessage } from './socket-client.js';

const pingMs = 200;
const idPattern = /^[0-9a-z]+:\d+$/;

describe('local API WebSockets', { timeout: 240_000 }, () => {
  let root: string;
  let harness: Harness;
  let longVideo: { video: string; sourceSubtitles: string; targetSubtitles: string };
  const jsonHeaders = () => ({ ...harness.auth, 'Content-Type': 'application/json' });
  const createJob = async (inputs: { video: string; sourceSubtitles: string; targetSubtitles: string }, outDir: string): Promise<JobSummary> => {
    const body = JSON.stringify({ input: inputs.video, to: ['es'], subtitles: inputs.sourceSubtitles, translations: { es: inputs.targetSubtitles }, outDir });
    const reply = await send(harness.port, { method: 'POST', path: '/api/v1/jobs', headers: jsonHeaders(), body });
    expect(reply.status, reply.text).toBe(201);
    return reply.json<{ jobs: JobSummary[] }>().jobs[0]!;
  };
  const setPaused = async (paused: boolean) => {
    const reply = await send(harness.port, { method: 'PUT', path: '/api/v1/queue', headers: jsonHeaders(), body: JSON.stringify({ paused }) });
    expect(reply.status, reply.text).toBe(200);
  };
  const jobUpdates = (messages: SocketMessage[]) => messages.filter((message) => message.type === 'job.updated').map((message) => message.job as JobSummary);

  beforeAll(async () => {
    expect(existsSync(workerEntryPath()), 'The worker bundle is missing; run `npm run build:node` first.').toBe(true);
    root = mkdtempSync(path.join(tmpdir(), 'redub-websocket-'));
    harness = await startHarness(root, { webSocketPingMs: pingMs });
    const video = await generateSpokenVideo({ dir: path.join(root, 'fixture'), name: 'talk', lines: sampleLines, minimumDurationMs: 90_000, numberLines: true });
    longVideo = { video: video.video, sourceSubtitles: video.sourceSubtitles, targetSubtitles: video.targetSubtitles };
  }, 180_000);

  afterAll(async () => {
    await harness?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('refuses an upgrade without the token (401), from a foreign Host (403), and to an unknown path (404), as the API\'s JSON errors', async () => {
    const none = await refusedUpgrade(harness.port, '/api/v1/ws');
    expect(none.status).toBe(401);
    expect(none.body.error).toMatchObject({ code: 'E_UNAUTHORIZED', message: expect.any(String), action: expect.any(String) });
    expect((await refusedUpgrade(harness.port, '/api/v1/ws?token=wrong')).status).toBe(401);
    expect((await refusedUpgrade(harness.port, '/api/v1/ws', { Authorization: 'Bearer wrong' })).status).toBe(401);

    const foreign = await refusedUpgrade(harness.port, `/api/v1/ws?token=${harness.token}`, { Host: 'evil.example:8383' });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('E_FORBIDDEN_HOST');

    const unknown = await refusedUpgrade(harness.port, `/api/v1/nothing?token=${harness.token}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('E_ROUTE_NOT_FOUND');
    // A token-less probe learns nothing about which paths exist.
    expect((await refusedUpgrade(harness.port, '/api/v1/nothing')).status).toBe(401);
  });

  it('answers ping with pong, and garbage with an error instead of a crash, with the token in a header or the query', async () => {
    const byHeader = openSocket(harness.port, '/api/v1/ws', { headers: harness.auth });
    const byQuery = openSocket(harness.port, `/api/v1/ws?token=${harness.token}`);
    await Promise.all([byHeader.opened, byQuery.opened]);
    byHeader.send({ type: 'ping' });
    await byHeader.waitFor((messages) => messages.some((message) => message.type === 'pong'), 5000);

    for (const garbage of ['not json', '[1,2]', '{"no":"type"}', '{"type":"dance"}', '{"type":"cancel"}']) byQuery.send(garbage);
    byQuery.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    byQuery.send({ type: 'ping' });
    await byQuery.waitFor((messages) => messages.some((message) => message.type === 'pong'), 5000);
    const errors = byQuery.messages.filter((message) => message.type === 'error');
    expect(errors).toHaveLength(6);
    for (const error of errors) expect(error.error).toMatchObject({ code: 'E_BAD_REQUEST', message: expect.any(String), action: expect.any(String) });
    expect(JSON.stringify(errors)).not.toMatch(/\n\s+at /);
    expect(byQuery.ws.readyState).toBe(byQuery.ws.OPEN);
    byHeader.ws.close();
    byQuery.ws.close();
  });

  it('drops a client that stopped answering pings, and keeps one that answers', async () => {
    const dead = openSocket(harness.port, `/api/v1/ws?token=${harness.token}`, { autoPong: false });
    const alive = openSocket(harness.port, `/api/v1/ws?token=${harness.token}`);
    await Promise.all([dead.opened, alive.opened]);
    const started = Date.now();
    const { code } = await dead.closed;
    // Terminated, not closed politely: there is no one to hand a close frame to.
    expect(code).toBe(1006);
    expect(Date.now() - started).toBeLessThan(pingMs * 10);
    await new Promise((wait) => setTimeout(wait, pingMs * 4));
    expect(alive.ws.readyState).toBe(alive.ws.OPEN);
    alive.ws.close();
  });

  it('sends each event with its id, and a reconnect with ?lastEventId= gets what it missed, then a stale id a resync', async () => {
    const first = openSocket(harness.port, `/api/v1/ws?token=${harness.token}`);
    await first.opened;
    await setPaused(true);
    await first.waitFor((messages) => messages.some((message) => message.type === 'queue.updated'), 5000);
    const seen = first.messages.find((message) => message.type === 'queue.updated')!;
    expect(seen.id).toMatch(idPattern);
    expect(seen.queue).toMatchObject({ paused: true });
    first.ws.close();
    await first.closed;

    await setPaused(false); // missed while no socket was open
    const resumed = openSocket(harness.port, `/api/v1/ws?token=${harness.token}&lastEventId=${seen.id}`);
    await resumed.opened;
    await setPaused(true);
    await resumed.waitFor((messages) => messages.filter((message) => message.type === 'queue.updated').length >= 2, 5000);
    const queueMessages = resumed.messages.filter((message) => message.type === 'queue.updated');
    expect(queueMessages.map((message) => (message.queue as { paused: boolean }).paused)).toEqual([false, true]);
    const seqs = resumed.messages.map((message) => Number(message.id!.split(':')[1]));
    expect(seqs[0]).toBe(Number(seen.id!.split(':')[1]) + 1);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    resumed.ws.close();

    const stale = openSocket(harness.port, `/api/v1/ws?token=${harness.token}&lastEventId=gone:12`);
    await stale.waitFor((messages) => messages.length > 0, 5000);
    expect(stale.messages[0]).toMatchObject({ type: 'resync', reason: expect.any(String), id: expect.stringMatching(idPattern) });
    stale.ws.close();
    await setPaused(false);
  });

  it('closes a job socket with 4404 for an unknown job and 4400 for an id that is not one', async () => {
    const unknown = openSocket(harness.port, `/api/v1/jobs/1b4e28ba-2fa1-11d2-883f-0016d3cca427/progress?token=${harness.token}`);
    expect(await unknown.closed).toMatchObject({ code: 4404, reason: expect.any(String) });
    const bad = openSocket(harness.port, `/api/v1/jobs/not-a-job/progress?token=${harness.token}`);
    expect((await bad.closed).code).toBe(4400);
    const undecodable = openSocket(harness.port, `/api/v1/jobs/%E0%A4%A/progress?token=${harness.token}`);
    expect((await undecodable.closed).code).toBe(4400);
  });

  it('follows a job from its current summary through its progress in order to done, then closes with 1000', async () => {
    const job = await createJob(bundledSample, path.join(root, 'sample-out'));
    const socket = openSocket(harness.port, `/api/v1/jobs/${job.id}/progress?token=${harness.token}`);
    const closed = await socket.closed;
    expect(closed).toEqual({ code: 1000, reason: 'job done' });
    const [snapshot, ...rest] = socket.messages;
    expect(snapshot).toMatchObject({ type: 'job.updated', job: { id: job.id } });
    expect(snapshot!.id).toBeUndefined(); // the current state, not an event of the journal
    expect(rest.every((message) => ['job.updated', 'job.log', 'job.cues'].includes(message.type))).toBe(true);
    expect(rest.every((message) => (message.type === 'job.updated' ? (message.job as JobSummary).id : message.jobId) === job.id)).toBe(true);
    const seqs = rest.map((message) => Number(message.id!.split(':')[1]));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const updates = jobUpdates(socket.messages);
    const progress = updates.map((update) => update.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(updates.at(-1)).toMatchObject({ state: 'done', progress: 100 });
    expect(updates.some((update) => update.state === 'running')).toBe(true);
    expect(rest.some((message) => message.type === 'job.log')).toBe(true);

    // A job that has already ended: its summary, then the close at once.
    const late = openSocket(harness.port, `/api/v1/jobs/${job.id}/progress?token=${harness.token}`);
    expect(await late.closed).toEqual({ code: 1000, reason: 'job done' });
    expect(late.messages).toEqual([{ type: 'job.updated', job: expect.objectContaining({ id: job.id, state: 'done' }) }]);
  });

  it('cancels a running job when asked on its socket', async () => {
    const job = await createJob(longVideo, path.join(root, 'long-out'));
    const socket = openSocket(harness.port, `/api/v1/jobs/${job.id}/progress`, { headers: harness.auth });
    await socket.waitFor((messages) => jobUpdates(messages).some((update) => update.state === 'running' && update.progress > 0), 120_000);
    socket.send({ type: 'ping' });
    socket.send({ type: 'cancel' });
    const closed = await socket.closed;
    expect(closed).toEqual({ code: 1000, reason: 'job cancelled' });
    const reply = socket.messages.find((message) => message.type === 'cancelled');
    expect(reply).toMatchObject({ job: { id: job.id, state: 'cancelled' } });
    expect(socket.messages.some((message) => message.type === 'pong')).toBe(true);
    expect(jobUpdates(socket.messages).at(-1)!.state).toBe('cancelled');
    const stored = (await send(harness.port, { path: `/api/v1/jobs/${job.id}`, headers: harness.auth })).json<JobSummary>();
    expect(stored.state).toBe('cancelled');
  });
});

describe('closing the server', () => {
  it('ends every WebSocket with 1001', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'redub-websocket-close-'));
    const harness = await startHarness(root);
    try {
      const events = openSocket(harness.port, `/api/v1/ws?token=${harness.token}`);
      await events.opened;
      const closing = harness.close();
      expect((await events.closed).code).toBe(1001);
      await closing;
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
