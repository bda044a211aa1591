// Answers a redub-media:// request, free of Electron so it can be tested under Node. The URL
// names a job and a track, never a path: the file comes from the service's own record of the
// job, so no URL can reach a file outside that job's own media. Range requests are honoured
// (206, 416) and the body streams from disk, so seeking in a multi-GB video loads nothing whole.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { jobIdSchema } from '../shared/contract.js';
import { RedubError, toErrorData, type RedubErrorData } from '../shared/errors.js';
import { parseByteRange } from '../core/media/byte-range.js';
import { appOrigin, mediaHost, mediaScheme, mediaTracks, type MediaTrack } from './app-origin.js';
import { contentTypeFor } from '../core/media/content-types.js';

export interface MediaSource {
  /** The file that holds a job's track; throws E_JOB_NOT_FOUND or E_NOT_READY. */
  mediaPath(jobId: string, track: MediaTrack): string;
}

/** How the handler reaches the disk; tests substitute spies. */
export interface MediaFiles {
  stat(filePath: string): Promise<{ size: number; isFile(): boolean }>;
  /** A stream of bytes start..end inclusive. */
  openRange(filePath: string, start: number, end: number): ReadableStream<Uint8Array>;
}

export const diskMediaFiles: MediaFiles = {
  stat: (filePath) => stat(filePath),
  openRange: (filePath, start, end) => Readable.toWeb(createReadStream(filePath, { start, end })) as ReadableStream<Uint8Array>,
};

export type MediaRoute = { jobId: string; track: MediaTrack } | { status: 400 | 404; reason: string };

/** Reads `redub-media://job/<uuid>/<original|dub>` (a query or fragment is ignored). */
export function parseMediaUrl(url: string): MediaRoute {
  if (!URL.canParse(url)) return { status: 400, reason: 'The media URL cannot be parsed.' };
  const parsed = new URL(url);
  if (parsed.protocol !== `${mediaScheme}:`) return { status: 400, reason: `Not a ${mediaScheme}: URL.` };
  const segments = parsed.pathname.split('/').slice(1);
  if (parsed.host !== mediaHost || segments.length !== 2) return { status: 404, reason: `Media URLs look like ${mediaScheme}://${mediaHost}/<job id>/<track>.` };
  const [rawId, rawTrack] = segments as [string, string];
  let jobId: string;
  try {
    jobId = decodeURIComponent(rawId);
  } catch {
    return { status: 400, reason: 'The job id is not valid URL encoding.' };
  }
  if (!jobIdSchema.safeParse(jobId).success) return { status: 400, reason: 'A job id is a UUID.' };
  const track = mediaTracks.find((candidate) => candidate === rawTrack);
  if (!track) return { status: 404, reason: `A job's media tracks are ${mediaTracks.join(' and ')}.` };
  return { jobId, track };
}


/** Headers every media answer carries: the renderer (app://redub) may read them cross-origin. */
function baseHeaders(): Record<string, string> {
  return {
    'Accept-Ranges': 'bytes',
    // The dub track is re-rendered in place after an edit; a cached copy would play the old mix.
    'Cache-Control': 'no-store',
    'Access-Control-Allow-Origin': appOrigin,
    'X-Content-Type-Options': 'nosniff',
  };
}

function errorResponse(status: number, error: RedubErrorData): Response {
  return new Response(JSON.stringify({ error }), { status, headers: { ...baseHeaders(), 'Content-Type': 'application/json' } });
}

function statusFor(error: RedubErrorData): number {
  if (error.code === 'E_JOB_NOT_FOUND' || error.code === 'E_NOT_READY' || error.code === 'E_FORBIDDEN_PATH') return 404;
  return 500;
}

export async function handleMediaRequest(request: Request, source: MediaSource, files: MediaFiles = diskMediaFiles): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return errorResponse(405, new RedubError('E_BAD_REQUEST', { details: [`${request.method} is not allowed; media is read with GET.`] }).toData());
  }
  const route = parseMediaUrl(request.url);
  if ('status' in route) return errorResponse(route.status, new RedubError(route.status === 400 ? 'E_BAD_REQUEST' : 'E_ROUTE_NOT_FOUND', { details: [route.reason] }).toData());

  let filePath: string;
  let size: number;
  try {
    filePath = source.mediaPath(route.jobId, route.track);
    const info = await files.stat(filePath);
    if (!info.isFile()) throw new RedubError('E_NOT_READY', { details: [`The ${route.track} track is not a file.`] });
    size = info.size;
  } catch (error) {
    const data = isMissingFile(error) ? new RedubError('E_NOT_READY', { details: [`The ${route.track} track is not on disk.`] }).toData() : toErrorData(error);
    return errorResponse(statusFor(data), { code: data.code, message: data.message, action: data.action });
  }

  const headers = { ...baseHeaders(), 'Content-Type': contentTypeFor(filePath) };
  const range = parseByteRange(request.headers.get('range') ?? undefined, size);
  if (range === 'unsatisfiable') {
    return new Response(null, { status: 416, headers: { ...headers, 'Content-Range': `bytes */${size}` } });
  }
  const { start, end } = range ?? { start: 0, end: size - 1 };
  const length = end - start + 1;
  const body = request.method === 'HEAD' || length <= 0 ? null : files.openRange(filePath, start, end);
  const rangeHeaders: Record<string, string> = range ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {};
  return new Response(body, { status: range ? 206 : 200, headers: { ...headers, ...rangeHeaders, 'Content-Length': String(Math.max(0, length)) } });
}

function isMissingFile(error: unknown): boolean {
  return typeof error === 'object' && error !== null && ['ENOENT', 'ENOTDIR'].includes((error as { code?: unknown }).code as string);
}
