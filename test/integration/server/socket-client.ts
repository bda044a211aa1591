// A WebSocket client for the server tests: collects every message, tells how the socket closed,
// and reads the HTTP answer of an upgrade the server refused.
import { WebSocket, type ClientOptions } from 'ws';

export interface SocketMessage {
  type: string;
  id?: string;
  [key: string]: unknown;
}

export interface TestSocket {
  ws: WebSocket;
  messages: SocketMessage[];
  /** Resolves once the socket is open; rejects if the upgrade fails. */
  opened: Promise<void>;
  /** How it closed, whoever closed it. */
  closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
  waitFor(predicate: (messages: SocketMessage[]) => boolean, timeoutMs?: number): Promise<void>;
}

export function openSocket(port: number, pathAndQuery: string, options: ClientOptions = {}): TestSocket {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${pathAndQuery}`, options);
  const messages: SocketMessage[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as SocketMessage));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  opened.catch(() => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  return {
    ws,
    messages,
    opened,
    closed,
    send: (message) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
    waitFor: async (predicate, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(messages)) {
        if (Date.now() > deadline) throw new Error(`timed out; messages so far: ${JSON.stringify(messages.map((message) => message.type)).slice(0, 2000)}`);
        await new Promise((wait) => setTimeout(wait, 20));
      }
    },
  };
}

/** The status and JSON body of an upgrade the server answered with plain HTTP. */
export function refusedUpgrade(port: number, pathAndQuery: string, headers: Record<string, string> = {}): Promise<{ status: number; body: { error: { code: string; message: string; action: string } } }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${pathAndQuery}`, { headers });
    ws.on('open', () => reject(new Error('the upgrade was accepted')));
    ws.on('error', () => {});
    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      res.on('error', reject);
    });
  });
}
