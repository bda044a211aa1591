// The renderer's RedubApi over the one IPC channel, free of Electron so it can be tested under
// Node. Each method sends `{ method, args }` and unwraps the ApiReply. A failure is rejected as a
// plain object {name, code, message, action, details, violations}, not an Error: the context bridge
// copies an Error's message but drops its other properties, and the renderer needs the code and the action.
import type { ApiMethod, RedubApi, RedubEvent } from '../src-main/shared/contract.js';
import type { ErrorViolation } from '../src-main/shared/errors.js';

/** Every request-reply method of RedubApi; the check below fails to compile if one is missing. */
export const apiMethods = [
  'createJobs',
  'listJobs',
  'getJob',
  'getLogs',
  'cancelJob',
  'retryJob',
  'deleteJob',
  'queueStatus',
  'setQueuePaused',
  'getSettings',
  'updateSettings',
  'previewSources',
  'getCues',
  'editCues',
  'renderJob',
  'replaceLipSync',
  'getWaveform',
  'listModels',
  'installModel',
  'importModel',
  'verifyModel',
  'removeModel',
  'getStats',
  'replaceSpeakerVoices',
] as const satisfies readonly ApiMethod[];

type UnlistedMethod = Exclude<ApiMethod, (typeof apiMethods)[number]>;
export const everyMethodListed: [UnlistedMethod] extends [never] ? true : UnlistedMethod = true;

export interface ApiTransport {
  invoke(request: { method: ApiMethod; args: unknown[] }): Promise<unknown>;
  subscribe(listener: (event: RedubEvent) => void): () => void;
}

/** What a failed call rejects with: RedubErrorData, plus a name so it reads like an error. */
export interface BridgeError {
  name: 'RedubError';
  code: string;
  message: string;
  action: string;
  details?: string[];
  /** E_LIPSYNC_INVALID: each broken rule, naming its segment. */
  violations?: ErrorViolation[];
}

function isViolation(value: unknown): value is ErrorViolation {
  if (typeof value !== 'object' || value === null) return false;
  const { segmentId, rule, message } = value as Record<string, unknown>;
  return typeof segmentId === 'string' && typeof rule === 'string' && typeof message === 'string';
}

function bridgeError(error: unknown): BridgeError {
  const data = (typeof error === 'object' && error !== null ? error : {}) as Partial<Record<keyof BridgeError, unknown>>;
  const failure: BridgeError = {
    name: 'RedubError',
    code: typeof data.code === 'string' ? data.code : 'E_INTERNAL',
    message: typeof data.message === 'string' ? data.message : 'Redub hit an unexpected problem.',
    action: typeof data.action === 'string' ? data.action : 'Retry; if it happens again, restart Redub.',
  };
  if (Array.isArray(data.details)) failure.details = data.details.map(String);
  const violations = Array.isArray(data.violations) ? data.violations.filter(isViolation) : [];
  if (violations.length > 0) failure.violations = violations.map(({ segmentId, rule, message }) => ({ segmentId, rule, message }));
  return failure;
}

function unwrap(reply: unknown): unknown {
  if (typeof reply === 'object' && reply !== null && 'ok' in reply) {
    if (reply.ok === true && 'value' in reply) return reply.value;
    if (reply.ok === false && 'error' in reply) throw bridgeError(reply.error);
  }
  throw bridgeError({ details: ['The main process answered with something that is not an ApiReply.'] });
}

export function createRedubApi(transport: ApiTransport): RedubApi {
  const api: Record<string, unknown> = {};
  for (const method of apiMethods) {
    api[method] = (...args: unknown[]) => transport.invoke({ method, args }).then(unwrap, (error: unknown) => {
      throw bridgeError(error);
    });
  }
  api.onEvent = (listener: (event: RedubEvent) => void) => transport.subscribe(listener);
  return api as unknown as RedubApi;
}

/**
 * Paths main forwards (a second launch, macOS open-file), kept until the renderer subscribes:
 * they can arrive before React has mounted the component that listens.
 */
export class PathsInbox {
  private pending: string[] = [];
  private readonly listeners = new Set<(paths: string[]) => void>();

  receive(payload: unknown): void {
    if (!Array.isArray(payload)) return;
    const paths = payload.filter((entry): entry is string => typeof entry === 'string' && entry.length > 0);
    if (paths.length === 0) return;
    if (this.listeners.size === 0) {
      this.pending.push(...paths);
      return;
    }
    for (const listener of this.listeners) listener([...paths]);
  }

  subscribe(listener: (paths: string[]) => void): () => void {
    this.listeners.add(listener);
    if (this.pending.length > 0) {
      const paths = this.pending;
      this.pending = [];
      listener(paths);
    }
    return () => {
      this.listeners.delete(listener);
    };
  }
}
