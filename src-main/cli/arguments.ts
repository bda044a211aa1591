// Command-line parsing on node:util's parseArgs, with usage errors as RedubError values so they
// print like every other error and exit with code 2.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { RedubError } from '../shared/errors.js';
import { audioRefIdProblem } from '../shared/lipsync.js';

export const globalOptions = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

export function parseCommandArguments<Options extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: Options) {
  try {
    return parseArgs({ args, options: { ...globalOptions, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new RedubError('E_USAGE', { message: (error as Error).message.replace(/\. To specify.*$/, '.') });
  }
}

/** Parses repeated or comma-joined `lang=value` pairs (--translation es=es.srt). */
export function parsePairs(values: string[] | undefined, flag: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const value of values ?? []) {
    for (const part of value.split(',')) {
      const separator = part.indexOf('=');
      if (separator <= 0) throw new RedubError('E_USAGE', { message: `${flag} expects <lang>=<value>, got "${part}".` });
      pairs[part.slice(0, separator).trim()] = part.slice(separator + 1).trim();
    }
  }
  return pairs;
}

export function parsePositiveNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new RedubError('E_USAGE', { message: `${flag} expects a positive number, got "${value}".` });
  return number;
}

/**
 * Parses repeated `--audio <refId>=<file>` values into refId → file. Unlike parsePairs a value is
 * never split at commas: a file name may hold one. The refId is checked here, so a typo is a usage
 * error naming the flag; the file is checked (and probed) by the service.
 */
export function parseAudioPairs(values: string[] | undefined, flag = '--audio'): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const value of values ?? []) {
    const separator = value.indexOf('=');
    if (separator <= 0) throw new RedubError('E_USAGE', { message: `${flag} expects <refId>=<file>, got "${value}".` });
    const id = value.slice(0, separator).trim();
    const file = value.slice(separator + 1).trim();
    const problem = audioRefIdProblem(id);
    if (problem) throw new RedubError('E_USAGE', { message: `${flag} ${id}=…: ${problem}` });
    if (file === '') throw new RedubError('E_USAGE', { message: `${flag} ${id}= needs a file after the "=".` });
    if (Object.hasOwn(pairs, id)) throw new RedubError('E_USAGE', { message: `${flag} names the refId "${id}" twice; give each audio file its own refId.` });
    pairs[id] = file;
  }
  return pairs;
}
