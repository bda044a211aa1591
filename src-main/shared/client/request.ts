// Sends one request to the local API (`/api/v1`) and turns its reply into a value or a
// RedubApiError, retrying what is safe to retry. A request that may have reached the server is
// sent again only when repeating it cannot do the work twice (GET, PUT, DELETE); a POST is sent
// again only when the connection was refused, i.e. nothing left this machine.
import { apiErrorFromResponse, timeoutError, unreachableError, type RedubApiError } from './api-error.js';
import { backoffDelayMs, sleep, type BackoffPolicy } from './backoff.js';

export type FetchFunction = (input: string, init?: RequestInit) => Promise<Response>;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Transport {
  /** Where the API lives: 'http://127.0.0.1:8383', or '' for the page's own origin. */
  baseUrl: string;
  token: string | null;
  fetch: FetchFunction;
  /** Each attempt's limit; 0 for none. */
  timeoutMs: number;
  /** The most attempts a request gets, the first included. */
  attempts: number;
  backoff: BackoffPolicy;
}

export const apiBasePath = '/api/v1';

export type QueryValue = string | number | boolean | null | undefined;

/** `?a=1&b=x`, leaving out parameters with no value; '' when none are left. */
export function buildQuery(parameters: Record<string, QueryValue>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export function apiUrl(transport: Pick<Transport, 'baseUrl'>, path: string): string {
  return `${transport.baseUrl.replace(/\/+$/, '')}${apiBasePath}${path}`;
}

export interface RequestOptions {
  method?: HttpMethod;
  json?: unknown;
  form?: FormData;
  /** The reply as text (GET /metrics) instead of JSON. */
  text?: boolean;
  /** Statuses besides 2xx whose body is the answer (GET /health answers 503 with its report). */
  acceptStatuses?: number[];
  signal?: AbortSignal;
  /** This request's per-attempt limit instead of the client's; 0 for none (uploads). */
  timeoutMs?: number;
  attempts?: number;
}

const idempotentMethods: ReadonlySet<HttpMethod> = new Set(['GET', 'PUT', 'DELETE']);

/**
 * Whether fetch failed because the server refused the connection, so not one byte of the request
 * was sent. Node's fetch puts the socket error on `cause` (an AggregateError when localhost
 * resolved to several addresses); a browser says only "Failed to fetch", and is never retried.
 */
export function isConnectionRefused(error: unknown): boolean {
  const cause = typeof error === 'object' && error !== null ? (error as { cause?: unknown }).cause : undefined;
  if (typeof cause !== 'object' || cause === null) return false;
  const { code, errors } = cause as { code?: unknown; errors?: unknown };
  if (code === 'ECONNREFUSED') return true;
  return Array.isArray(errors) && errors.length > 0 && errors.every((inner) => (inner as { code?: unknown } | null)?.code === 'ECONNREFUSED');
}

type Failure = { error: RedubApiError; retry: boolean };

export async function sendRequest<T>(transport: Transport, path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const url = apiUrl(transport, path);
  const attempts = Math.max(1, options.attempts ?? transport.attempts);
  const timeoutMs = options.timeoutMs ?? transport.timeoutMs;
  for (let attempt = 1; ; attempt += 1) {
    const outcome = await attemptRequest<T>(transport, url, method, options, timeoutMs);
    if (!('error' in outcome)) return outcome.value;
    if (!outcome.retry || attempt >= attempts) throw outcome.error;
    await sleep(backoffDelayMs(attempt - 1, transport.backoff), options.signal);
  }
}

async function attemptRequest<T>(transport: Transport, url: string, method: HttpMethod, options: RequestOptions, timeoutMs: number): Promise<{ value: T } | Failure> {
  const idempotent = idempotentMethods.has(method);
  const timeout = timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : null;
  const signals = [options.signal, timeout].filter((signal): signal is AbortSignal => signal !== undefined && signal !== null);
  const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
  // Each attempt builds its body again: a FormData or string can be sent any number of times.
  const { headers, body } = requestBody(transport, options);
  let response: Response;
  try {
    response = await transport.fetch(url, { method, headers, body, ...(signal ? { signal } : {}) });
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (timeout?.aborted) return { error: timeoutError(`${method} ${url}`, timeoutMs), retry: idempotent };
    return { error: unreachableError(error), retry: idempotent || isConnectionRefused(error) };
  }
  let payload: unknown;
  try {
    payload = await readBody(response, options.text === true);
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (timeout?.aborted) return { error: timeoutError(`${method} ${url}`, timeoutMs), retry: idempotent };
    return { error: unreachableError(error), retry: idempotent };
  }
  if (response.ok || options.acceptStatuses?.includes(response.status)) return { value: payload as T };
  return { error: apiErrorFromResponse(response.status, payload), retry: idempotent && response.status >= 500 };
}

function requestBody(transport: Transport, options: RequestOptions): { headers: Record<string, string>; body: BodyInit | undefined } {
  const headers: Record<string, string> = { Accept: options.text ? 'text/plain' : 'application/json' };
  if (transport.token) headers.Authorization = `Bearer ${transport.token}`;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    return { headers, body: JSON.stringify(options.json) };
  }
  // fetch writes the multipart boundary into Content-Type itself.
  return { headers, body: options.form };
}

async function readBody(response: Response, asText: boolean): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  if (asText) return text;
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
