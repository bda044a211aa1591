// Owns how the local API speaks HTTP: JSON replies, the one error shape every failure takes
// ({error: {code, message, action, details?}}, never a stack), which status each error code
// gets, the headers every reply carries, and reading a JSON body within a size limit.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RedubError, errorKind, toErrorData, type ErrorCode, type RedubErrorData } from '../shared/errors.js';

/** JSON bodies are small requests (a job, a settings patch); videos come as multipart uploads. */
export const jsonBodyLimitBytes = 1024 * 1024;

const statusByCode: Partial<Record<ErrorCode, number>> = {
  E_BAD_REQUEST: 400,
  E_USAGE: 400,
  E_UNAUTHORIZED: 401,
  E_FORBIDDEN_PATH: 403,
  E_FORBIDDEN_HOST: 403,
  E_ROUTE_NOT_FOUND: 404,
  E_JOB_NOT_FOUND: 404,
  E_CUE_NOT_FOUND: 404,
  E_MODEL_UNKNOWN: 404,
  E_METHOD_NOT_ALLOWED: 405,
  E_JOB_STATE: 409,
  E_CUES_CHANGED: 409,
  E_NO_CUES_YET: 409,
  E_NOT_READY: 409,
  E_MODEL_BUSY: 409,
  E_MODEL_MISSING: 409,
  E_UPLOAD_TOO_LARGE: 413,
  E_DISK_FULL: 507,
};

/** A client's mistake is never a 500: usage errors are 400 and rejected input 422 unless the
 * table says more precisely; only processing failures are the server's. */
export function statusForError(error: RedubErrorData): number {
  const exact = statusByCode[error.code];
  if (exact) return exact;
  switch (errorKind(error.code)) {
    case 'usage':
      return 400;
    case 'input':
      return 422;
    case 'cancelled':
      return 409;
    default:
      return 500;
  }
}

/** Headers on every reply: no sniffing a JSON error into HTML, no caching of job state. */
export function setCommonHeaders(res: ServerResponse): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-store');
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Sends any thrown value as the API's error shape. An unexpected error becomes E_INTERNAL with
 * no details (its message may name internals); `report` gets the original for the server's log.
 */
export function sendError(res: ServerResponse, error: unknown, report: (error: unknown) => void = () => {}): void {
  let data = toErrorData(error);
  if (data.code === 'E_INTERNAL' || (!(error instanceof RedubError) && statusForError(data) >= 500)) {
    report(error);
    data = new RedubError(data.code).toData();
  }
  sendJson(res, statusForError(data), { error: data });
}

/** Reads and parses a JSON body; a wrong content type, an oversized or malformed body is the
 * client's mistake and says so. */
export async function readJsonBody(req: IncomingMessage, limitBytes = jsonBodyLimitBytes): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw badRequest(`The body must be JSON, sent with "Content-Type: application/json" (got "${type || 'none'}").`);
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes);
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > limitBytes) throw tooLarge(limitBytes);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw badRequest('The body is empty; send a JSON object.');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw badRequest(`The body is not valid JSON: ${(error as Error).message}`);
  }
}

export function badRequest(detail: string): RedubError {
  return new RedubError('E_BAD_REQUEST', { details: [detail] });
}

function tooLarge(limitBytes: number): RedubError {
  return new RedubError('E_UPLOAD_TOO_LARGE', {
    message: `A JSON body may be at most ${Math.round(limitBytes / 1024)} KiB.`,
    action: 'Send videos as a multipart upload, or name a path on this machine in "input".',
  });
}
