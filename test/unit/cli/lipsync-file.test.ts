// The file `redub dub --lipsync` names: read within its limits, its shape checked, each problem
// naming the file and the field; the segments' rules are the service's (prepare-dub tests).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLipSyncFile } from '../../../src-main/cli/lipsync-file.js';
import type { RedubError } from '../../../src-main/shared/errors.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectory('redub-lipsync-file-');

function write(content: unknown): string {
  const file = path.join(temporaryDirectory(), 'segments.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function refusal(file: string): RedubError {
  try {
    readLipSyncFile(file);
  } catch (error) {
    return error as RedubError;
  }
  throw new Error('read without complaint');
}

describe('readLipSyncFile', () => {
  it('E_LIPSYNC_FILE naming the file when it is not JSON', () => {
    const file = write('{"segments": [');
    const error = refusal(file);
    expect(error.code).toBe('E_LIPSYNC_FILE');
    expect(error.details[0]).toContain(file);
  });

  it('E_LIPSYNC_FILE when the file does not exist', () => {
    expect(refusal(path.join(temporaryDirectory(), 'nowhere.json')).code).toBe('E_LIPSYNC_FILE');
  });

  it('E_LIPSYNC_FILE naming the field when the JSON has the wrong shape, or no segments at the top', () => {
    expect(refusal(write({ segments: [{ id: 'intro', startMs: 0, audio: { refId: 'dub' } }] })).details.join('\n')).toContain('segments.0.endMs');
    expect(refusal(write([{ id: 'intro', startMs: 0, endMs: 500, audio: { refId: 'dub' } }])).details.join('\n')).toContain('(top level)');
  });

  it('returns the segments of a well-formed file', () => {
    const segments = [{ id: 'intro', startMs: 0, endMs: 1000, audio: { refId: 'dub' } }];
    expect(readLipSyncFile(write({ segments }))).toEqual({ segments });
  });
});
