import { describe, expect, it } from 'vitest';
import { RedubError, errorDefinitions, errorKind, isErrorCode, isRedubErrorData, toErrorData, type ErrorCode } from '../../../src-main/shared/errors.js';

const codes = Object.keys(errorDefinitions) as ErrorCode[];

describe('errorDefinitions', () => {
  it('has codes of the form E_UPPER_CASE', () => {
    for (const code of codes) expect(code).toMatch(/^E_[A-Z0-9_]+$/);
  });

  it.each(codes)('%s has a sentence for a person and an action, each ending in punctuation', (code) => {
    const { message, action, kind } = errorDefinitions[code];
    expect(message.trim()).not.toBe('');
    expect(action.trim()).not.toBe('');
    expect(message).toMatch(/[.!?]$/);
    expect(action).toMatch(/[.!?]$/);
    expect(['usage', 'input', 'processing', 'cancelled']).toContain(kind);
  });
});

describe('RedubError', () => {
  it('takes its message, action and kind from the code’s definition by default', () => {
    const error = new RedubError('E_NO_AUDIO_STREAM');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('RedubError');
    expect(error.message).toBe(errorDefinitions.E_NO_AUDIO_STREAM.message);
    expect(error.action).toBe(errorDefinitions.E_NO_AUDIO_STREAM.action);
    expect(error.kind).toBe('input');
    expect(error.details).toEqual([]);
  });

  it('lets one occurrence override the message and action', () => {
    const error = new RedubError('E_USAGE', { message: 'Name a target language.', action: 'Pass --to es.' });
    expect(error.message).toBe('Name a target language.');
    expect(error.action).toBe('Pass --to es.');
  });

  it('round-trips through toData and fromData with code, message, action and details', () => {
    const original = new RedubError('E_FFMPEG_FAILED', { message: 'ffmpeg stopped.', action: 'Retry.', details: ['File: /a.mp4', 'moov atom not found'] });
    const data = original.toData();
    expect(data).toEqual({ code: 'E_FFMPEG_FAILED', message: 'ffmpeg stopped.', action: 'Retry.', details: ['File: /a.mp4', 'moov atom not found'] });
    const copy = RedubError.fromData(structuredClone(data));
    expect(copy).toBeInstanceOf(RedubError);
    expect(copy.toData()).toEqual(data);
  });

  it('carries lip-sync violations as data through toData and fromData, and leaves them out when there are none', () => {
    const violations = [{ segmentId: 'intro', rule: 'no-overlap', message: 'Segment "intro" overlaps segment "a".' }];
    const data = new RedubError('E_LIPSYNC_INVALID', { details: ['Segment "intro" overlaps segment "a". [rule: no-overlap]'], violations }).toData();
    expect(data.violations).toEqual(violations);
    expect(RedubError.fromData(structuredClone(data)).toData()).toEqual(data);
    expect(new RedubError('E_LIPSYNC_INVALID').toData()).not.toHaveProperty('violations');
  });

  it('has an input error of its own for each way an added audio file is wrong', () => {
    for (const code of ['E_AUDIO_INVALID', 'E_AUDIO_EMPTY', 'E_AUDIO_TOO_LONG'] as const) expect(errorKind(code)).toBe('input');
  });

  it('leaves details out of the data when there are none, and fromData accepts their absence', () => {
    const data = new RedubError('E_CANCELLED').toData();
    expect(data).not.toHaveProperty('details');
    expect(RedubError.fromData(data).details).toEqual([]);
  });
});

describe('toErrorData', () => {
  it('keeps a RedubError’s own data', () => {
    const error = new RedubError('E_INPUT_TOO_LONG', { details: ['2:00:00 > 1:00:00'] });
    expect(toErrorData(error)).toEqual(error.toData());
  });

  it('passes plain error data (as it arrives from another process) through unchanged', () => {
    const data = new RedubError('E_VAD_FAILED', { details: ['onnx'] }).toData();
    expect(toErrorData(data)).toBe(data);
  });

  it('maps an unknown Error to E_INTERNAL, keeping its message as a detail', () => {
    const data = toErrorData(new TypeError('Cannot read properties of undefined'));
    expect(data.code).toBe('E_INTERNAL');
    expect(data.details).toEqual(['Cannot read properties of undefined']);
  });

  it('maps a thrown non-Error value to E_INTERNAL', () => {
    expect(toErrorData('just a string')).toMatchObject({ code: 'E_INTERNAL', details: ['just a string'] });
    expect(toErrorData(undefined).code).toBe('E_INTERNAL');
  });

  it('maps an error mentioning ENOSPC to E_DISK_FULL', () => {
    const data = toErrorData(new Error("ENOSPC: no space left on device, write '/data/artifacts/tmp/x.wav'"));
    expect(data.code).toBe('E_DISK_FULL');
    expect(data.details?.[0]).toContain('ENOSPC');
  });

  it('does not take an object with an unknown code for error data', () => {
    const impostor = { code: 'E_NOT_A_CODE', message: 'x', action: 'y' };
    expect(isRedubErrorData(impostor)).toBe(false);
    expect(toErrorData(impostor).code).toBe('E_INTERNAL');
  });
});

describe('isErrorCode / errorKind', () => {
  it('knows exactly the defined codes', () => {
    for (const code of codes) expect(isErrorCode(code)).toBe(true);
    expect(isErrorCode('E_NOPE')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode(42)).toBe(false);
  });

  it('gives each code the kind of its definition', () => {
    for (const code of codes) expect(errorKind(code)).toBe(errorDefinitions[code].kind);
  });
});
