import { describe, expect, it } from 'vitest';
import { exitCodeForError, exitCodes } from '../../../src-main/cli/exit-codes.js';
import { RedubError, errorDefinitions, type ErrorCode, type ErrorKind } from '../../../src-main/shared/errors.js';

const codes = Object.keys(errorDefinitions) as ErrorCode[];
const codesOfKind = (kind: ErrorKind) => codes.filter((code) => errorDefinitions[code].kind === kind);

describe('exitCodeForError', () => {
  it('matches the exit codes the README promises', () => {
    expect(exitCodes).toEqual({ done: 0, usage: 2, inputRejected: 3, processingFailed: 4, cancelled: 130 });
  });

  it.each(codesOfKind('usage'))('exits 2 for the usage error %s', (code) => {
    expect(exitCodeForError(new RedubError(code).toData())).toBe(2);
  });

  it.each(codesOfKind('input'))('exits 3 for the input error %s', (code) => {
    expect(exitCodeForError(new RedubError(code).toData())).toBe(3);
  });

  it.each(codesOfKind('processing'))('exits 4 for the processing error %s', (code) => {
    expect(exitCodeForError(new RedubError(code).toData())).toBe(4);
  });

  it('exits 130 for E_CANCELLED, the only cancelled code', () => {
    expect(codesOfKind('cancelled')).toEqual(['E_CANCELLED']);
    expect(exitCodeForError(new RedubError('E_CANCELLED').toData())).toBe(130);
  });

  it('covers the usage, input and processing kinds with at least the codes the CLI relies on', () => {
    expect(codesOfKind('usage')).toContain('E_USAGE');
    expect(codesOfKind('input')).toEqual(expect.arrayContaining(['E_INPUT_MISSING', 'E_LIPSYNC_INVALID', 'E_MODEL_MISSING']));
    expect(codesOfKind('processing')).toEqual(expect.arrayContaining(['E_INTERNAL', 'E_WORKER_CRASHED', 'E_DISK_FULL']));
  });

  it('never exits 0 for an error', () => {
    for (const code of codes) expect(exitCodeForError(new RedubError(code).toData())).not.toBe(0);
  });
});
