// The error every bridge throws: Redub's `{code, message, action, details}` as a typed value, so
// the UI shows the same sentence and next step whether the failure came over IPC or HTTP.
import { isErrorCode, isRedubErrorData, RedubError, toErrorData, type ErrorCode, type RedubErrorData } from '../../src-main/shared/errors.js';

export class ApiError extends RedubError {
  /** The HTTP status when the error came from the local API; null over IPC or without a reply. */
  readonly status: number | null;

  constructor(data: RedubErrorData, status: number | null = null) {
    super(data.code, { message: data.message, action: data.action, details: data.details ?? [] });
    this.name = 'ApiError';
    this.status = status;
  }

  get data(): RedubErrorData {
    return this.toData();
  }
}

/** Reads `{error:{code,message,action,details}}` loosely: a newer server may send a code we do not know. */
function errorDataFromBody(body: unknown): RedubErrorData | null {
  if (typeof body !== 'object' || body === null || !('error' in body)) return null;
  return errorDataFromObject((body as { error: unknown }).error);
}

/** `{code, message, action, details}` with an unknown code kept as a detail rather than lost. */
function errorDataFromObject(candidate: unknown): RedubErrorData | null {
  if (typeof candidate !== 'object' || candidate === null) return null;
  const { code, message, action, details } = candidate as Record<string, unknown>;
  if (typeof message !== 'string' || typeof action !== 'string') return null;
  const detailList = Array.isArray(details) ? details.filter((item): item is string => typeof item === 'string') : [];
  const known = isErrorCode(code);
  // Keep the server's sentence even when its code is unknown to this renderer, and say which code it was.
  if (!known && typeof code === 'string') detailList.unshift(`Error code ${code}`);
  const data: RedubErrorData = { code: known ? code : 'E_INTERNAL', message, action };
  if (detailList.length > 0) data.details = detailList;
  return data;
}

/** Which Redub error a bare HTTP status stands for when the reply carries no error body. */
function codeForStatus(status: number): ErrorCode {
  if (status === 400 || status === 422) return 'E_BAD_REQUEST';
  if (status === 401 || status === 403) return 'E_UNAUTHORIZED';
  if (status === 404) return 'E_ROUTE_NOT_FOUND';
  if (status === 409) return 'E_JOB_STATE';
  if (status === 413) return 'E_UPLOAD_TOO_LARGE';
  return 'E_INTERNAL';
}

/** The error for a failed HTTP reply: the body's own error when it has one, else one named by the status. */
export function apiErrorFromResponse(status: number, body: unknown): ApiError {
  const data = errorDataFromBody(body);
  if (data) return new ApiError(data, status);
  const fallback = new RedubError(codeForStatus(status), { details: [`The local API answered HTTP ${status}.`] });
  return new ApiError(fallback.toData(), status);
}

/** When fetch itself rejects, the server is gone (stopped, or the page outlived it). */
export function unreachableError(cause: unknown): ApiError {
  return new ApiError({
    code: 'E_INTERNAL',
    message: "Redub's local API cannot be reached.",
    action: 'Check that `redub serve` is still running, then reload the page.',
    details: [cause instanceof Error ? cause.message : String(cause)],
  });
}

/**
 * Anything a bridge rejected with, as an ApiError. Electron's IPC keeps only an Error's message
 * when it crosses the context bridge, so a message that is itself error JSON is read back too.
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof RedubError || isRedubErrorData(error)) return new ApiError(toErrorData(error));
  const plain = errorDataFromObject(error); // the preload rejects with such a plain object
  if (plain) return new ApiError(plain);
  if (error instanceof Error) {
    const embedded = /\{.*\}/s.exec(error.message)?.[0];
    if (embedded) {
      try {
        const parsed: unknown = JSON.parse(embedded);
        const wrapped = errorDataFromObject(parsed) ?? errorDataFromBody(parsed);
        if (wrapped) return new ApiError(wrapped);
      } catch {
        // Not JSON after all: fall through to the plain message.
      }
    }
  }
  return new ApiError(toErrorData(error));
}
