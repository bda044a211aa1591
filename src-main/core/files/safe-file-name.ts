// Owns turning a file name someone else chose (an upload's, a URL's last segment) into one safe to
// create in a folder of ours.

/** A file name from a client or a URL, made safe to create: no folders, no control or shell-special
 * characters, no leading dots (hidden files, ".."), no names Windows reserves; the extension is
 * kept, since it tells ffprobe and the subtitle reader what the file is. */
export function sanitizeFileName(fileName: string | undefined, fallback: string): string {
  const base = (fileName ?? '').split(/[\\/]/).pop() ?? '';
  let safe = base.normalize('NFC').replace(/[^\p{L}\p{N}._ -]/gu, '_').replace(/\s+/g, ' ').replace(/^[.\s]+/, '').trim();
  if (safe.length > 120) safe = safe.slice(-120).replace(/^[.\s]+/, '');
  if (/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i.test(safe)) safe = `_${safe}`;
  return safe === '' ? fallback : safe;
}
