// parseByteRange answers each Range header form the way RFC 9110 says, for the API's media
// routes and the desktop media protocol alike.
import { describe, expect, it } from 'vitest';
import { parseByteRange } from '../../../src-main/core/media/byte-range.js';

describe('parseByteRange', () => {
  it('sends the whole file when there is no header', () => {
    expect(parseByteRange(undefined, 1000)).toBeNull();
  });

  it('reads a closed range bytes=a-b, inclusive of both ends', () => {
    expect(parseByteRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 });
    expect(parseByteRange('bytes=500-500', 1000)).toEqual({ start: 500, end: 500 });
  });

  it('clamps an end past the file to its last byte', () => {
    expect(parseByteRange('bytes=900-5000', 1000)).toEqual({ start: 900, end: 999 });
  });

  it('reads an open range bytes=a- to the end of the file', () => {
    expect(parseByteRange('bytes=250-', 1000)).toEqual({ start: 250, end: 999 });
  });

  it('reads a suffix range bytes=-n as the last n bytes, the whole file when n is larger', () => {
    expect(parseByteRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseByteRange('bytes=-5000', 1000)).toEqual({ start: 0, end: 999 });
  });

  it('calls a start at or past the end unsatisfiable (416)', () => {
    expect(parseByteRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(parseByteRange('bytes=2000-3000', 1000)).toBe('unsatisfiable');
  });

  it('calls bytes=-0 and any range of an empty file unsatisfiable', () => {
    expect(parseByteRange('bytes=-0', 1000)).toBe('unsatisfiable');
    expect(parseByteRange('bytes=0-', 0)).toBe('unsatisfiable');
    expect(parseByteRange('bytes=-10', 0)).toBe('unsatisfiable');
  });

  it('sends the whole file for several ranges rather than a multipart answer', () => {
    expect(parseByteRange('bytes=0-10,20-30', 1000)).toBeNull();
  });

  it('ignores headers that are not a plain bytes range', () => {
    for (const header of ['', 'bytes=', 'bytes=-', 'items=0-10', 'bytes=a-b', 'bytes=10-5', 'bytes=1.5-2', 'bytes=99999999999999999999-']) {
      expect(parseByteRange(header, 1000), header).toBeNull();
    }
  });

  it('tolerates spaces around the parts', () => {
    expect(parseByteRange(' bytes = 0 - 9 ', 1000)).toEqual({ start: 0, end: 9 });
  });
});
