// The one IPC request handler, free of Electron so it can be tested under Node: it checks who is
// asking, validates the method and its arguments with the same schemas as the HTTP API, calls
// the service and answers an ApiReply. Errors cross as plain {code, message, action, details,
// violations}, never with a stack.
import { z } from 'zod';
import { apiArgumentSchemas, describeSchemaError, type ApiMethod, type ApiReply, type RedubApi } from '../shared/contract.js';
import { RedubError, toErrorData, type RedubErrorData } from '../shared/errors.js';
import { isTrustedUrl } from './app-origin.js';

/** What the handler needs to know about the sender of a request. */
export interface InvokeSender {
  /** The id of the webContents that sent it. */
  webContentsId: number;
  /** The URL of the frame that sent it; null once that frame is gone or has navigated away. */
  frameUrl: string | null;
}

export interface SenderPolicy {
  /** Origins (`scheme://host[:port]`) whose pages may call the API: app://redub, and the dev server in development. */
  trustedOrigins: readonly string[];
  /** The id of our window's webContents; null while there is no window. */
  windowWebContentsId: () => number | null;
}

export type ApiService = Omit<RedubApi, 'onEvent'>;

const requestSchema = z.object({ method: z.string(), args: z.array(z.unknown()) });

export function isTrustedSender(sender: InvokeSender, policy: SenderPolicy): boolean {
  const windowId = policy.windowWebContentsId();
  return windowId !== null && sender.webContentsId === windowId && isTrustedUrl(sender.frameUrl, policy.trustedOrigins);
}

function isApiMethod(method: string): method is ApiMethod {
  return Object.hasOwn(apiArgumentSchemas, method);
}

/** Only the fields of the contract: whatever else an error carries (a stack) stays here. A lip-sync
 * refusal's violations cross too, so the lane marks each segment as it does over HTTP. */
function plainErrorData(data: RedubErrorData): RedubErrorData {
  const plain: RedubErrorData = { code: data.code, message: data.message, action: data.action };
  if (data.details && data.details.length > 0) plain.details = data.details.map(String);
  if (data.violations && data.violations.length > 0) {
    plain.violations = data.violations.map(({ segmentId, rule, message }) => ({ segmentId: String(segmentId), rule: String(rule), message: String(message) }));
  }
  return plain;
}

function badRequest(details: string[]): ApiReply<never> {
  return { ok: false, error: new RedubError('E_BAD_REQUEST', { details }).toData() };
}

/** Builds the handler for the invoke channel; the Electron wiring passes each request through it. */
export function createInvokeHandler(service: ApiService, policy: SenderPolicy): (sender: InvokeSender, payload: unknown) => Promise<ApiReply<unknown>> {
  return async (sender, payload) => {
    if (!isTrustedSender(sender, policy)) {
      const error = new RedubError('E_UNAUTHORIZED', {
        message: "The request did not come from Redub's own window.",
        action: 'Use Redub through its own window; other pages may not call it.',
        details: [`sender frame: ${sender.frameUrl ?? 'none (gone or navigated away)'}`],
      });
      return { ok: false, error: error.toData() };
    }
    const request = requestSchema.safeParse(payload);
    if (!request.success) return badRequest(describeSchemaError(request.error));
    const { method, args } = request.data;
    if (!isApiMethod(method)) return badRequest([`method: "${method.slice(0, 100)}" is not a Redub API method.`]);
    const parsed = apiArgumentSchemas[method].safeParse(args);
    if (!parsed.success) return badRequest(describeSchemaError(parsed.error).map((line) => `${method}: ${line}`));
    try {
      const call = service[method] as (...values: unknown[]) => Promise<unknown>;
      const value = await call.apply(service, parsed.data as unknown[]);
      return { ok: true, value };
    } catch (error) {
      return { ok: false, error: plainErrorData(toErrorData(error)) };
    }
  };
}
