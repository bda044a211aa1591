// The preload's `window.redub` (typed IPC), with every rejection turned into an ApiError: an Error
// crossing Electron's context bridge keeps only its message, so the sentence and action are
// recovered here once instead of in every caller.
import { apiArgumentSchemas, type RedubApi } from '../../src-main/shared/contract.js';
import { toApiError } from './api-error.js';

export function wrapIpcApi(api: RedubApi): RedubApi {
  const wrapped: Record<string, unknown> = {};
  for (const method of Object.keys(apiArgumentSchemas) as (keyof typeof apiArgumentSchemas)[]) {
    const call = api[method] as (...args: unknown[]) => Promise<unknown>;
    wrapped[method] = async (...args: unknown[]) => {
      try {
        return await call.apply(api, args);
      } catch (error) {
        throw toApiError(error);
      }
    };
  }
  wrapped.onEvent = api.onEvent.bind(api);
  return wrapped as unknown as RedubApi;
}
