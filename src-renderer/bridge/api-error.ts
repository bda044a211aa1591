// The error every bridge throws: the API client's RedubApiError (one error class for HTTP and
// IPC alike), so the UI shows the same sentence and next step whatever the transport.
import { errorDataFromBody, errorDataFromObject, RedubApiError } from '../../src-main/shared/client/api-error.js';
import { isRedubErrorData, RedubError, toErrorData } from '../../src-main/shared/errors.js';

export { RedubApiError as ApiError } from '../../src-main/shared/client/api-error.js';

/**
 * Anything a bridge rejected with, as a RedubApiError. Electron's IPC keeps only an Error's
 * message when it crosses the context bridge, so a message that is itself error JSON is read back too.
 */
export function toApiError(error: unknown): RedubApiError {
  if (error instanceof RedubApiError) return error;
  if (error instanceof RedubError || isRedubErrorData(error)) return new RedubApiError(toErrorData(error));
  const plain = errorDataFromObject(error); // the preload rejects with such a plain object
  if (plain) return new RedubApiError(plain);
  if (error instanceof Error) {
    const embedded = /\{.*\}/s.exec(error.message)?.[0];
    if (embedded) {
      try {
        const parsed: unknown = JSON.parse(embedded);
        const wrapped = errorDataFromObject(parsed) ?? errorDataFromBody(parsed);
        if (wrapped) return new RedubApiError(wrapped);
      } catch {
        // Not JSON after all: fall through to the plain message.
      }
    }
  }
  return new RedubApiError(toErrorData(error));
}
