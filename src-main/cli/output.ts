// How the CLI speaks: one JSON object on stdout with --json, sentences on stderr/stdout
// otherwise. Errors show their sentence, details and next step, never a stack trace.
import type { RedubErrorData } from '../shared/errors.js';

export interface Output {
  json: boolean;
  result(value: unknown, human: () => string): void;
  error(error: RedubErrorData): void;
  note(line: string): void;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    result(value, human) {
      process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
    },
    error(error) {
      if (json) {
        process.stdout.write(`${JSON.stringify({ error }, null, 2)}\n`);
        return;
      }
      process.stderr.write(formatError(error));
    },
    note(line) {
      if (!json) process.stderr.write(`${line}\n`);
    },
  };
}

export function formatError(error: RedubErrorData): string {
  const details = (error.details ?? []).map((line) => `  - ${line}\n`).join('');
  return `Error ${error.code}: ${error.message}\n${details}  What to do: ${error.action}\n`;
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return '–';
  if (ms < 1000) return `${ms} ms`;
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
