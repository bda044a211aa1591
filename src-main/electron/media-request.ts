// Answers a redub-media:// request, free of Electron so it can be tested under Node. The URL
// names a job and a track, or a job and an added audio file's refId, never a path: the file comes
// from the service's own record of the job, and is opened so that no symbolic link can lead it
// outside its folder. Range requests are honoured (206, 416) and the body streams from disk, so
// seeking in a multi-GB video loads nothing whole.
import { Readable } from 'node:stream';
import { openServedFile, type FileLocation, type ServedFile } from '../core/files/served-file.js';
import { jobIdSchema } from '../shared/contract.js';
import { RedubError, toErrorData, type RedubErrorData } from '../shared/errors.js';
import { audioRefIdSchema } from '../shared/lipsync.js';
import { parseByteRange } from '../core/media/byte-range.js';
import { appOrigin, mediaAudioSegment, mediaHost, mediaScheme, mediaTracks, type MediaTrack } from './app-origin.js';
import { contentTypeFor } from '../core/media/content-types.js';

export interface MediaSource {
  /** Where a job's track is and the folder it must lie in; throws E_JOB_NOT_FOUND or E_NOT_READY. */
  mediaLocation(jobId: string, track: MediaTrack): FileLocation;
  /** An audio file the job records as added, opened as served-file.ts opens a track (no link out
   * of its folder); throws E_JOB_NOT_FOUND, E_BAD_REQUEST (no such refId), E_NOT_READY or E_FORBIDDEN_PATH. */
  openAudio(jobId: string, refId: string): Promise<ServedFile>;
}

/** How the handler reaches the disk; tests substitute spies. */
export interface MediaFiles {
  open(location: FileLocation): Promise<ServedFile>;
}

export const diskMediaFiles: MediaFiles = { open: openServedFile };

export type MediaRoute = { jobId: string; track: MediaTrack } | { jobId: string; audio: string } | { status: 400 | 404; reason: string };

/** Reads `redub-media://job/<uuid>/<original|dub|mix>` and `redub-media://job/<uuid>/audio/<refId>`
 * (a query or fragment is ignored). */
export function parseMediaUrl(url: string): MediaRoute {
  if (!URL.canParse(url)) return { status: 400, reason: 'The media URL cannot be parsed.' };
  const parsed = new URL(url);
  if (parsed.protocol !== `${mediaScheme}:`) return { status: 400, reason: `Not a ${mediaScheme}: URL.` };
  const segments = parsed.pathname.split('/').slice(1);
  const isAudio = segments.length === 3 && segments[1] === mediaAudioSegment;
  if (parsed.host !== mediaHost || (segments.length !== 2 && !isAudio)) {
    return { status: 404, reason: `Media URLs look like ${mediaScheme}://${mediaHost}/<job id>/<track> or ${mediaScheme}://${mediaHost}/<job id>/${mediaAudioSegment}/<refId>.` };
  }
  const jobId = decoded(segments[0]!);
  if (jobId === null) return { status: 400, reason: 'The job id is not valid URL encoding.' };
  if (!jobIdSchema.safeParse(jobId).success) return { status: 400, reason: 'A job id is a UUID.' };
  if (isAudio) {
    const refId = decoded(segments[2]!);
    if (refId === null) return { status: 400, reason: 'The audio refId is not valid URL encoding.' };
    const checked = audioRefIdSchema.safeParse(refId);
    if (!checked.success) return { status: 400, reason: checked.error.issues.map((issue) => issue.message).join('; ') };
    return { jobId, audio: refId };
  }
  const track = mediaTracks.find((candidate) => candidate === segments[1]);
  if (!track) return { status: 404, reason: `A job's media tracks are ${mediaTracks.join(', ')}.` };
  return { jobId, track };
}

function decoded(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
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
  if (error.code === 'E_BAD_REQUEST') return 400;
  if (error.code === 'E_JOB_NOT_FOUND' || error.code === 'E_NOT_READY' || error.code === 'E_INPUT_MISSING') return 404;
  if (error.code === 'E_FORBIDDEN_PATH') return 403;
  return 500;
}

export async function handleMediaRequest(request: Request, source: MediaSource, files: MediaFiles = diskMediaFiles): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return errorResponse(405, new RedubError('E_BAD_REQUEST', { details: [`${request.method} is not allowed; media is read with GET.`] }).toData());
  }
  const route = parseMediaUrl(request.url);
  if ('status' in route) return errorResponse(route.status, new RedubError(route.status === 400 ? 'E_BAD_REQUEST' : 'E_ROUTE_NOT_FOUND', { details: [route.reason] }).toData());

  let file: ServedFile;
  try {
    file = 'audio' in route ? await source.openAudio(route.jobId, route.audio) : await files.open(source.mediaLocation(route.jobId, route.track));
  } catch (error) {
    const what = 'audio' in route ? `The audio file "${route.audio}" is` : `The ${route.track} track is`;
    const data = isMissingFile(error) ? new RedubError('E_NOT_READY', { details: [`${what} not on disk.`] }).toData() : toErrorData(error);
    // An unknown refId's details name the refIds the job has, which the renderer already knows;
    // other details (file names) stay here.
    const details = data.code === 'E_BAD_REQUEST' && data.details ? { details: data.details } : {};
    return errorResponse(statusFor(data), { code: data.code, message: data.message, action: data.action, ...details });
  }
  const size = file.size;
  const headers = { ...baseHeaders(), 'Content-Type': 'audio' in route ? audioContentType(file.path) : contentTypeFor(file.path) };
  const range = parseByteRange(request.headers.get('range') ?? undefined, size);
  if (range === 'unsatisfiable') {
    await file.close();
    return new Response(null, { status: 416, headers: { ...headers, 'Content-Range': `bytes */${size}` } });
  }
  const { start, end } = range ?? { start: 0, end: size - 1 };
  const length = end - start + 1;
  let body: ReadableStream<Uint8Array> | null = null;
  if (request.method === 'HEAD' || length <= 0) await file.close();
  else body = Readable.toWeb(file.stream(start, end)) as ReadableStream<Uint8Array>;
  const rangeHeaders: Record<string, string> = range ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {};
  return new Response(body, { status: range ? 206 : 200, headers: { ...headers, ...rangeHeaders, 'Content-Length': String(Math.max(0, length)) } });
}

/** An added file was probed as audio, but its name is whatever a person gave it: only a sound or
 * video type comes from it (as the local API sends it), never one the page would run (a WAV named .html). */
function audioContentType(file: string): string {
  const type = contentTypeFor(file);
  return /^(audio|video)\//.test(type) ? type : 'application/octet-stream';
}

function isMissingFile(error: unknown): boolean {
  return typeof error === 'object' && error !== null && ['ENOENT', 'ENOTDIR'].includes((error as { code?: unknown }).code as string);
}
