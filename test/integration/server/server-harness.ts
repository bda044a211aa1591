// Starts the real local API on a free port over a temporary data folder, and talks to it the way
// an attacker would as well as a client: raw request paths (no URL normalization), any headers,
// and an event-stream reader.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import { expect } from 'vitest';
import type { RedubEvent } from '../../../src-main/shared/contract.js';
import type { JobDetails, LogLine } from '../../../src-main/shared/jobs.js';
import { RedubService, type RedubServiceOptions } from '../../../src-main/core/service/redub-service.js';
import type { WorkerHost } from '../../../src-main/core/worker-host/worker-host.js';
import { mediaUrlFor } from '../../../src-main/server/api-routes.js';
import { startServer } from '../../../src-main/server/server.js';

export interface Harness {
  port: number;
  token: string;
  dataDir: string;
  service: RedubService;
  auth: Record<string, string>;
  close(): Promise<void>;
}

export interface HarnessOptions extends Pick<RedubServiceOptions, 'modelCatalog' | 'modelDownload'> {
  workerHost?: WorkerHost;
  uploadLimitBytes?: number;
  rendererDir?: string;
  webSocketPingMs?: number;
}

export async function startHarness(root: string, options: HarnessOptions = {}): Promise<Harness> {
  const dataDir = path.join(root, 'data');
  const service = new RedubService({
    dataDir, mediaUrl: mediaUrlFor, workerHost: options.workerHost, cpuWorkers: 1, pollMs: 50, modelCatalog: options.modelCatalog, modelDownload: options.modelDownload,
  });
  const logged: string[] = [];
  const server = await startServer({
    service, dataDir, port: 0, rendererDir: options.rendererDir ?? path.join(root, 'no-renderer'), uploadLimitBytes: options.uploadLimitBytes,
    webSocketPingMs: options.webSocketPingMs,
    log: (line) => logged.push(line),
  });
  return {
    port: server.port,
    token: server.token,
    dataDir,
    service,
    auth: { Authorization: `Bearer ${server.token}` },
    close: async () => {
      await server.close();
      await service.close();
      // Nothing a test does may reach the server's unexpected-error path.
      expect(logged).toEqual([]);
    },
  };
}

/** JSON calls to a harness's API, and waits for a job to settle: what the end-to-end tests share. */
export function apiCalls(h: Pick<Harness, 'port' | 'auth'>) {
  async function call<T>(method: string, route: string, body?: unknown): Promise<{ status: number; json: T; text: string }> {
    const reply = await send(h.port, {
      method, path: `/api/v1${route}`,
      headers: { ...h.auth, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: reply.status, json: reply.text ? (JSON.parse(reply.text) as T) : (undefined as T), text: reply.text };
  }

  async function settled(id: string, timeoutMs = 300_000): Promise<JobDetails> {
    for (const deadline = Date.now() + timeoutMs; ; ) {
      const job = (await call<JobDetails>('GET', `/jobs/${id}`)).json;
      if (job.state === 'done' || job.state === 'failed' || job.state === 'cancelled') return job;
      if (Date.now() > deadline) throw new Error(`job still ${job.state}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function done(id: string): Promise<JobDetails> {
    const job = await settled(id);
    expect(job.state, JSON.stringify(job.error)).toBe('done');
    return job;
  }

  async function logs(id: string): Promise<LogLine[]> {
    return (await call<{ logs: LogLine[] }>('GET', `/jobs/${id}/logs?limit=5000`)).json.logs;
  }

  return { call, settled, done, logs };
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

/** One request with the path sent exactly as given: fetch would resolve "..", which is what a
 * real attacker's client does not do. */
export function send(port: number, options: { method?: string; path: string; headers?: Record<string, string | number>; body?: string | Buffer }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text, json: <T>() => JSON.parse(text) as T });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The API's error shape, with no stack trace in it. */
export function expectApiError(reply: Reply, status: number, code: string): void {
  expect(reply.status, reply.text).toBe(status);
  expect(reply.headers['content-type']).toMatch(/^application\/json/);
  const body = reply.json<{ error: Record<string, unknown> }>();
  expect(body.error).toMatchObject({ code, message: expect.any(String), action: expect.any(String) });
  expect(Object.keys(body.error).every((key) => ['code', 'message', 'action', 'details'].includes(key))).toBe(true);
  expect(reply.text).not.toMatch(/\n\s+at /);
}

export interface EventStream {
  events: RedubEvent[];
  /** Each event's `id:` line (null where it had none), as EventSource keeps it for Last-Event-ID. */
  ids: (string | null)[];
  status: number;
  headers: IncomingHttpHeaders;
  waitFor(predicate: (events: RedubEvent[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): void;
}

/** Opens GET /api/v1/events and collects each message's `data:` line as an event, with its id. */
export function openEvents(port: number, pathAndQuery: string, headers: Record<string, string> = {}): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: pathAndQuery, headers }, (res) => {
      const events: RedubEvent[] = [];
      const ids: (string | null)[] = [];
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split('\n');
          const data = lines.find((line) => line.startsWith('data: '));
          if (!data) continue;
          events.push(JSON.parse(data.slice(6)) as RedubEvent);
          ids.push(lines.find((line) => line.startsWith('id: '))?.slice(4) ?? null);
        }
      });
      res.on('error', () => {});
      resolve({
        events,
        ids,
        status: res.statusCode ?? 0,
        headers: res.headers,
        waitFor: async (predicate, timeoutMs = 60_000) => {
          const deadline = Date.now() + timeoutMs;
          while (!predicate(events)) {
            if (Date.now() > deadline) throw new Error(`timed out; events so far: ${JSON.stringify(events.map((event) => event.type === 'job.updated' ? `${event.type}:${event.job.state}` : event.type))}`);
            await new Promise((wait) => setTimeout(wait, 25));
          }
        },
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** The states a job went through, as job.updated events told them, repeats folded. */
export function statesOf(events: RedubEvent[], jobId: string): string[] {
  const states: string[] = [];
  for (const event of events) {
    if (event.type === 'job.updated' && event.job.id === jobId && states.at(-1) !== event.job.state) states.push(event.job.state);
  }
  return states;
}

/** A multipart/form-data body built by hand, so a test controls every byte. */
export function multipartBody(parts: { name: string; fileName?: string; content: string | Buffer; type?: string }[]): { body: Buffer; headers: Record<string, string | number> } {
  const boundary = `----redub-test-${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.fileName !== undefined ? `; filename="${part.fileName}"` : ''}`;
    const type = part.fileName !== undefined ? `Content-Type: ${part.type ?? 'application/octet-stream'}\r\n` : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`), Buffer.from(part.content), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  const body = Buffer.concat(chunks);
  return { body, headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': body.length } };
}
