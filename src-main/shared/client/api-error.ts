// The one error a client of the local API meets: Redub's `{code, message, action, details}` as a
// typed value with the HTTP status it came with, so a script, the CLI's tests and the renderer
// show the same sentence and next step whatever went wrong.
import { isErrorCode, RedubError, type ErrorCode, type ErrorViolation, type RedubErrorData } from '../errors.js';

export class RedubApiError extends RedubError {
  /** The HTTP status when the error came from the local API; null without a reply (or over IPC). */
  readonly status: number | null;

  constructor(data: RedubErrorData, status: number | null = null, options: { cause?: unknown } = {}) {
    super(data.code, { message: data.message, action: data.action, details: data.details ?? [], violations: data.violations ?? [], cause: options.cause });
    this.name = 'RedubApiError';
    this.status = status;
  }

  get data(): RedubErrorData {
    return this.toData();
  }
}

/** Reads `{error:{code,message,action,details}}` loosely: a newer server may send a code we do not know. */
export function errorDataFromBody(body: unknown): RedubErrorData | null {
  if (typeof body !== 'object' || body === null || !('error' in body)) return null;
  return errorDataFromObject((body as { error: unknown }).error);
}

/** `{code, message, action, details}` with an unknown code kept as a detail rather than lost. */
export function errorDataFromObject(candidate: unknown): RedubErrorData | null {
  if (typeof candidate !== 'object' || candidate === null) return null;
  const { code, message, action, details, violations } = candidate as Record<string, unknown>;
  if (typeof message !== 'string' || typeof action !== 'string') return null;
  const detailList = Array.isArray(details) ? details.filter((item): item is string => typeof item === 'string') : [];
  const known = isErrorCode(code);
  // Keep the server's sentence even when its code is unknown to this client, and say which code it was.
  if (!known && typeof code === 'string') detailList.unshift(`Error code ${code}`);
  const data: RedubErrorData = { code: known ? code : 'E_INTERNAL', message, action };
  if (detailList.length > 0) data.details = detailList;
  // E_LIPSYNC_INVALID's broken rules, each kept only when it has the shape an editor reads.
  const ruleList = Array.isArray(violations) ? violations.filter(isViolation) : [];
  if (ruleList.length > 0) data.violations = ruleList.map(({ segmentId, rule, message: sentence }) => ({ segmentId, rule, message: sentence }));
  return data;
}

/** Which Redub error a bare HTTP status stands for when the reply carries no error body. */
function codeForStatus(status: number): ErrorCode {
  if (status === 400 || status === 422) return 'E_BAD_REQUEST';
  if (status === 401 || status === 403) return 'E_UNAUTHORIZED';
  if (status === 404) return 'E_ROUTE_NOT_FOUND';
  if (status === 405) return 'E_METHOD_NOT_ALLOWED';
  if (status === 409) return 'E_JOB_STATE';
  if (status === 413) return 'E_UPLOAD_TOO_LARGE';
  return 'E_INTERNAL';
}

/** The error for a failed HTTP reply: the body's own error when it has one, else one named by the status. */
export function apiErrorFromResponse(status: number, body: unknown): RedubApiError {
  const data = errorDataFromBody(body);
  if (data) return new RedubApiError(data, status);
  const fallback = new RedubError(codeForStatus(status), { details: [`The local API answered HTTP ${status}.`] });
  return new RedubApiError(fallback.toData(), status);
}

/** fetch itself rejected: the server is gone (stopped, restarting, or the address is wrong). */
export function unreachableError(cause: unknown): RedubApiError {
  return new RedubApiError(new RedubError('E_API_UNREACHABLE', { details: [causeText(cause)] }).toData(), null, { cause });
}

export function timeoutError(what: string, ms: number): RedubApiError {
  return new RedubApiError(new RedubError('E_API_TIMEOUT', { details: [`${what} had no answer within ${ms} ms.`] }).toData());
}

/** Node's fetch says only "fetch failed"; the reason (ECONNREFUSED, ECONNRESET) is on its cause. */
function causeText(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = (cause as { cause?: unknown }).cause;
  const code = typeof inner === 'object' && inner !== null ? (inner as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? `${cause.message} (${code})` : cause.message;
}

function isViolation(value: unknown): value is ErrorViolation {
  if (typeof value !== 'object' || value === null) return false;
  const { segmentId, rule, message } = value as Record<string, unknown>;
  return typeof segmentId === 'string' && typeof rule === 'string' && typeof message === 'string';
}
