// Owns reading an HTTP Range header (RFC 9110 §14) against a file's size, for every place that
// serves media with seeking: the local API's download and preview routes and the desktop app's
// media protocol. Pure, so both transports answer the same header the same way.

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive (as Content-Range writes it). */
  end: number;
}

const singleRange = /^bytes=(\d*)-(\d*)$/;

/**
 * The one range to send, 'unsatisfiable' (answer 416), or null to send the whole file: no header,
 * a header that is not a plain bytes range, or several ranges (multipart/byteranges is more
 * machinery than any video element needs; the whole file is a valid answer to it).
 */
export function parseByteRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  if (header === undefined) return null;
  const match = singleRange.exec(header.trim().replace(/\s+/g, ''));
  if (!match) return null;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return null;
  if (!isSafe(first) || !isSafe(last)) return null;

  if (first === '') {
    // A suffix range: the last n bytes. "-0" asks for nothing, which no file can give.
    const length = Number(last);
    if (length === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return 'unsatisfiable';
  if (last === '') return { start, end: size - 1 };
  const end = Number(last);
  // "bytes=5-2" is not a range at all; the RFC says to ignore the header.
  if (end < start) return null;
  return { start, end: Math.min(end, size - 1) };
}

/** Digits beyond 2^53 lose precision; such a header is ignored rather than misread. */
function isSafe(digits: string): boolean {
  return digits === '' || Number.isSafeInteger(Number(digits));
}
