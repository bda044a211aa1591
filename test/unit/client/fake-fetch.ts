// A fetch the tests script: each call gets the next answer (a Response, a rejection, or a
// function of the request), and every request is recorded as it was sent.
import { vi } from 'vitest';

export interface SentRequest {
  url: string;
  init: RequestInit;
  headers: Record<string, string>;
}

export type Answer = Response | Error | ((request: SentRequest) => Response | Promise<Response>);

export function scriptedFetch(answers: Answer[], fallback?: Answer) {
  const sent: SentRequest[] = [];
  const fetch = vi.fn(async (url: string, init: RequestInit = {}) => {
    const request = { url, init, headers: (init.headers ?? {}) as Record<string, string> };
    sent.push(request);
    const answer = answers.shift() ?? fallback;
    if (answer === undefined) throw new Error(`no answer scripted for request ${sent.length}: ${url}`);
    if (answer instanceof Error) throw answer;
    return typeof answer === 'function' ? answer(request) : answer;
  });
  return { fetch, sent };
}

export const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

/** Node's fetch when nothing listens on the port: a TypeError whose cause carries the errno. */
export function refused(): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) });
}

export function reset(): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });
}

/** A fetch answer that never comes, until the request's signal aborts it (as fetch does). */
export function hanging(request: SentRequest): Promise<Response> {
  return new Promise((_resolve, reject) => {
    const signal = request.init.signal;
    if (!signal) return;
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** An event-stream reply the test writes into chunk by chunk. */
export function sseReply() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => (controller = c) });
  let closed = false;
  const stream = {
    response: new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } }),
    push(text: string) {
      if (!closed) controller.enqueue(new TextEncoder().encode(text));
    },
    end() {
      if (closed) return;
      closed = true;
      controller.close();
    },
    /** Wires the request's abort to the body, as fetch does. */
    follow(request: SentRequest) {
      request.init.signal?.addEventListener('abort', () => {
        if (closed) return;
        closed = true;
        controller.error(request.init.signal!.reason);
      });
      return stream.response;
    },
  };
  return stream;
}

export const tick = (ms = 10) => new Promise((resolve) => setTimeout(resolve, ms));

export async function until(predicate: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await tick(5);
  }
}
