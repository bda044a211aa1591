// SPEC §4's exit codes, and which one an error of each kind ends the command with.
import { errorKind, type RedubErrorData } from '../shared/errors.js';

export const exitCodes = { done: 0, usage: 2, inputRejected: 3, processingFailed: 4, cancelled: 130 } as const;

export function exitCodeForError(error: RedubErrorData): number {
  switch (errorKind(error.code)) {
    case 'usage':
      return exitCodes.usage;
    case 'input':
      return exitCodes.inputRejected;
    case 'cancelled':
      return exitCodes.cancelled;
    default:
      return exitCodes.processingFailed;
  }
}
