// `redub dub <video> --to <lang>[,<lang>…]`: validates, queues one job per language (or finds
// the jobs an earlier identical command queued), then runs them to completion.
import { existsSync } from 'node:fs';
import { executionPreferenceSchema } from '../../shared/contract.js';
import { RedubError } from '../../shared/errors.js';
import type { RedubCore } from '../../core/redub-core.js';
import { readGlossaryFile } from '../../core/pipeline/glossary-file.js';
import { parsePairs, parsePositiveNumber } from '../arguments.js';
import type { Output } from '../output.js';
import { runToCompletion } from '../run-to-completion.js';

export const dubOptions = {
  to: { type: 'string' },
  from: { type: 'string' },
  subtitles: { type: 'string' },
  translation: { type: 'string', multiple: true },
  voice: { type: 'string', multiple: true },
  lipsync: { type: 'string' },
  out: { type: 'string' },
  'max-speed': { type: 'string' },
  'max-size-mb': { type: 'string' },
  'max-duration-minutes': { type: 'string' },
  priority: { type: 'string' },
  'execution-provider': { type: 'string' },
  transcriber: { type: 'string' },
  translator: { type: 'string' },
  glossary: { type: 'string' },
} as const;

export interface DubArguments {
  positionals: string[];
  values: { [Key in keyof typeof dubOptions]?: (typeof dubOptions)[Key] extends { multiple: true } ? string[] : string };
}

export async function dubCommand(core: RedubCore, args: DubArguments, output: Output): Promise<number> {
  const [input, ...extra] = args.positionals;
  if (!input || extra.length > 0) throw new RedubError('E_USAGE', { message: 'Usage: redub dub <video> --to <lang>[,<lang>…] [options]. Give exactly one video.' });
  if (!args.values.to) throw new RedubError('E_USAGE', { message: 'Name the target language(s) with --to, for example --to es.' });
  const maxSizeMb = parsePositiveNumber(args.values['max-size-mb'], '--max-size-mb');
  const maxMinutes = parsePositiveNumber(args.values['max-duration-minutes'], '--max-duration-minutes');
  const maxSpeed = parsePositiveNumber(args.values['max-speed'], '--max-speed');
  if (maxSpeed !== undefined && maxSpeed < 1) throw new RedubError('E_USAGE', { message: '--max-speed must be at least 1.' });
  const provider = executionPreferenceSchema.safeParse(args.values['execution-provider'] ?? 'auto');
  if (!provider.success) {
    throw new RedubError('E_USAGE', { message: `--execution-provider takes one of ${executionPreferenceSchema.options.join(', ')}; "${args.values['execution-provider']}" is not one.` });
  }

  const prepared = await core.prepareDub({
    input,
    to: args.values.to.split(','),
    from: args.values.from ?? null,
    subtitles: args.values.subtitles ?? null,
    translations: parsePairs(args.values.translation, '--translation'),
    voices: parsePairs(args.values.voice, '--voice'),
    lipSyncFile: args.values.lipsync ?? null,
    executionProvider: provider.data,
    transcriber: args.values.transcriber ?? null,
    translator: args.values.translator ?? null,
    glossary: args.values.glossary ? readGlossaryFile(args.values.glossary) : [],
    outDir: args.values.out ?? null,
    maxSpeed,
    limits: {
      ...(maxSizeMb ? { maxBytes: Math.round(maxSizeMb * 1024 * 1024) } : {}),
      ...(maxMinutes ? { maxDurationMs: Math.round(maxMinutes * 60_000) } : {}),
    },
  });
  const enqueued = core.enqueue(prepared, Number(args.values.priority ?? 0) || 0);
  for (const { job, created } of enqueued) {
    if (job.state === 'done' && Object.values(job.outputs).some((file) => !file || !existsSync(file))) core.store.requeueDone(job.id);
    if (!created) output.note(`Resuming job ${job.id} (${job.language}), which an earlier identical command started.`);
  }
  return runToCompletion(core, enqueued.map(({ job }) => job.id), output);
}

