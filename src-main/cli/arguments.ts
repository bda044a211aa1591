// Command-line parsing on node:util's parseArgs, with usage errors as RedubError values so they
// print like every other error and exit with code 2.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { RedubError } from '../shared/errors.js';

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
