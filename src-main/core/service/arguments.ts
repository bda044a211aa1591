// Owns checking a service call's arguments against the contract's schemas, and naming each bad
// field as the caller knows it, whichever transport the call came through.
import { ZodError, type z } from 'zod';
import { apiArgumentSchemas, describeSchemaError, type ApiMethod } from '../../shared/contract.js';
import { RedubError } from '../../shared/errors.js';

/** What each argument is called in an error, where it has no field of its own to name. */
const argumentNames: Record<ApiMethod, string[]> = {
  createJobs: ['request'], listJobs: ['query'], getJob: ['id'], getLogs: ['id', 'query'], cancelJob: ['id'],
  retryJob: ['id'], deleteJob: ['id'], queueStatus: [], setQueuePaused: ['paused'], getSettings: [],
  updateSettings: ['settings'], previewSources: ['id'], getCues: ['id'], editCues: ['id', 'request'], replaceSpeakerVoices: ['id', 'request'], renderJob: ['id'], replaceLipSync: ['id', 'request'], getWaveform: ['id', 'query'], listModels: [], installModel: ['id'], importModel: ['id', 'source'],
  verifyModel: ['id'], removeModel: ['id'], getStats: ['query'],
};

/** Checks a call's arguments against the contract; a failure names each bad field as the caller
 * knows it ("to", "limit"), not by its place in the argument list. */
export function parseArguments<Method extends ApiMethod>(method: Method, args: unknown[]): z.output<(typeof apiArgumentSchemas)[Method]> {
  const schema = apiArgumentSchemas[method] as z.ZodType;
  // Optional trailing arguments arrive as undefined; a tuple counts them, so they are dropped.
  while (args.length > 0 && args.at(-1) === undefined) args = args.slice(0, -1);
  const result = schema.safeParse(args);
  if (result.success) return result.data as z.output<(typeof apiArgumentSchemas)[Method]>;
  const issues = result.error.issues.map((issue) => {
    const [position, ...field] = issue.path;
    const name = typeof position === 'number' ? argumentNames[method][position] : undefined;
    return { ...issue, path: field.length > 0 ? field : name ? [name] : issue.path };
  });
  throw new RedubError('E_BAD_REQUEST', { details: describeSchemaError(new ZodError(issues)) });
}


/** The same check for a call outside the contract's method table (one the local API offers):
 * a failure names each bad field, or `name` for the value as a whole. */
export function parseValue<Schema extends z.ZodType>(schema: Schema, value: unknown, name: string): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data as z.output<Schema>;
  const issues = result.error.issues.map((issue) => ({ ...issue, path: issue.path.length > 0 ? issue.path : [name] }));
  throw new RedubError('E_BAD_REQUEST', { details: describeSchemaError(new ZodError(issues)) });
}
