// Builds and sends one request to the local API (`/api/v1`) and turns its reply into a value or an
// ApiError. Kept apart from the endpoint list so the tests can pin URLs, headers and error mapping.
import { apiErrorFromResponse, unreachableError } from './api-error.js';

export type FetchFunction = (input: string, init?: RequestInit) => Promise<Response>;

export interface HttpClient {
  /** Origin of the API ('' means this page's own origin, which is how `redub serve` serves us). */
  origin: string;
  token: string | null;
  fetch: FetchFunction;
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

export function apiUrl(client: HttpClient, path: string): string {
  return `${client.origin}${apiBasePath}${path}`;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  json?: unknown;
  form?: FormData;
}

export async function sendRequest<T>(client: HttpClient, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (client.token) headers.Authorization = `Bearer ${client.token}`;
  let body: BodyInit | undefined;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form) {
    body = options.form; // fetch writes the multipart boundary into Content-Type itself
  }
  let response: Response;
  try {
    response = await client.fetch(apiUrl(client, path), { method: options.method ?? 'GET', headers, body });
  } catch (error) {
    throw unreachableError(error);
  }
  const payload = await readBody(response);
  if (!response.ok) throw apiErrorFromResponse(response.status, payload);
  return payload as T;
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text().catch(() => '');
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
