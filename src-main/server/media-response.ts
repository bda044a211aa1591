// Owns sending one file with HTTP range support (206, 416, Accept-Ranges), which is what lets a
// <video> element seek a two-hour dub without downloading it first, and a download resume.
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseByteRange } from '../core/media/byte-range.js';
import type { ServedFile } from '../core/files/served-file.js';
import { contentTypeFor } from '../core/media/content-types.js';

export interface FileReplyOptions {
  /** attachment: the browser saves it under the file's name; inline: it plays it. */
  disposition: 'inline' | 'attachment';
  /** Overrides the type the extension gives (a file a person named, whose name proves nothing). */
  contentType?: string;
}

export async function sendFile(req: IncomingMessage, res: ServerResponse, file: ServedFile, options: FileReplyOptions): Promise<void> {
  const { size, modified } = file;
  const range = ifRangeHolds(req, modified) ? parseByteRange(req.headers.range, size) : null;
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Content-Type', options.contentType ?? contentTypeFor(file.path));
  res.setHeader('Last-Modified', modified.toUTCString());
  res.setHeader('Content-Disposition', contentDisposition(options.disposition, path.basename(file.path)));
  // Media is the one thing worth caching: it changes only when a job is redone (new mtime).
  res.setHeader('Cache-Control', 'private, no-cache');

  if (range === 'unsatisfiable') {
    await file.close();
    res.writeHead(416, { 'Content-Range': `bytes */${size}`, 'Content-Length': 0 });
    res.end();
    return;
  }
  const { start, end } = range ?? { start: 0, end: size - 1 };
  const length = size === 0 ? 0 : end - start + 1;
  if (range) res.setHeader('Content-Range', `bytes ${start}-${end}/${size}`);
  res.writeHead(range ? 206 : 200, { 'Content-Length': length });
  if (req.method === 'HEAD' || length === 0) {
    await file.close();
    res.end();
    return;
  }
  try {
    await pipeline(file.stream(start, end), res);
  } catch {
    // The viewer seeked or closed the tab: the socket went away mid-file, which is normal.
    res.destroy();
  }
}

/** If-Range with a date: serve the range only if the file has not changed since. */
function ifRangeHolds(req: IncomingMessage, modified: Date): boolean {
  const condition = req.headers['if-range'];
  if (typeof condition !== 'string' || condition === '') return true;
  const since = Date.parse(condition);
  return Number.isFinite(since) && Math.floor(modified.getTime() / 1000) <= Math.floor(since / 1000);
}

/** The file name in both forms: a plain ASCII fallback and the exact UTF-8 name (RFC 6266). */
export function contentDisposition(kind: 'inline' | 'attachment', fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
