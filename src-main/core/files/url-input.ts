// Owns what an http(s) URL given as a job's input is, decided before anything is queued: a direct
// media file (downloaded by Redub with resume and a size limit) or a web page (YouTube and the
// like, which only yt-dlp can turn into a video file). A page without yt-dlp on the PATH, an
// address with nothing behind it, or a file over the size limit is refused at once, with the same
// kind of error a local file gets.
import path from 'node:path';
import { RedubError } from '../../shared/errors.js';
import { findOnPath } from '../media/ffmpeg-binaries.js';
import { downloadBreaker, type CircuitBreaker } from './circuit-breaker.js';
import { sanitizeFileName } from './safe-file-name.js';

export interface UrlInput {
  url: string;
  kind: 'direct' | 'page';
  /** A safe file name for the download, with the extension its type suggests. */
  fileName: string;
}

/** Hosts whose addresses are pages around a player, never the media file itself. */
const pageHosts = /(^|\.)(youtube\.com|youtu\.be|vimeo\.com|dailymotion\.com|twitch\.tv|tiktok\.com|facebook\.com|instagram\.com|x\.com|twitter\.com|bilibili\.com|soundcloud\.com)$/i;
const extensionsByType: Record<string, string> = { 'video/mp4': '.mp4', 'video/webm': '.webm', 'video/quicktime': '.mov', 'video/x-matroska': '.mkv', 'audio/mpeg': '.mp3', 'audio/mp4': '.m4a', 'audio/wav': '.wav' };

export function isUrlInput(input: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(input.trim());
}

export interface InspectOptions {
  maxBytes?: number;
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
  breaker?: CircuitBreaker;
  /** Where yt-dlp is looked for (default: the PATH). */
  findProgram?: (name: string) => string | null;
}

export async function inspectUrl(input: string, options: InspectOptions = {}): Promise<UrlInput> {
  const url = parseUrl(input);
  const findProgram = options.findProgram ?? findOnPath;
  const page = (): UrlInput => {
    if (!findProgram('yt-dlp')) throw new RedubError('E_URL_IMPORT_UNAVAILABLE', { details: [`URL: ${url.href}`] });
    return { url: url.href, kind: 'page', fileName: 'video.mp4' };
  };
  if (pageHosts.test(url.hostname)) return page();

  const breaker = options.breaker ?? downloadBreaker;
  breaker.assertClosed(url.href);
  let response: Response;
  try {
    // A one-byte range rather than HEAD: some servers answer HEAD wrongly, none mind a range.
    response = await (options.fetchImpl ?? fetch)(url.href, {
      headers: { range: 'bytes=0-0', 'accept-encoding': 'identity' },
      redirect: 'follow',
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
  } catch (error) {
    breaker.failure(url.href, (error as Error).message);
    throw new RedubError('E_URL_DOWNLOAD_FAILED', { message: 'The address could not be reached.', details: [`URL: ${url.href}`, (error as Error).message] });
  }
  await response.body?.cancel().catch(() => undefined);
  if (response.status >= 500) {
    breaker.failure(url.href, `HTTP ${response.status}`);
    throw new RedubError('E_URL_DOWNLOAD_FAILED', { details: [`URL: ${url.href}`, `HTTP ${response.status}`] });
  }
  breaker.success(url.href);
  if (response.status === 404 || response.status === 410) throw new RedubError('E_URL_NOT_FOUND', { details: [`URL: ${url.href}`, `HTTP ${response.status}`] });
  if (!response.ok && response.status !== 416) throw new RedubError('E_URL_DOWNLOAD_FAILED', { details: [`URL: ${url.href}`, `HTTP ${response.status}`] });
  const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'text/html' || type === 'application/xhtml+xml') return page();
  const total = totalLength(response);
  if (options.maxBytes !== undefined && total !== null && total > options.maxBytes) {
    throw new RedubError('E_INPUT_TOO_LARGE', { details: [`${url.href} is ${Math.round(total / 1024 / 1024)} MB; the limit is ${Math.round(options.maxBytes / 1024 / 1024)} MB.`] });
  }
  return { url: url.href, kind: 'direct', fileName: fileNameFor(url, type) };
}

function parseUrl(input: string): URL {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new RedubError('E_URL_INVALID', { details: [`"${input.slice(0, 200)}" is not a URL.`] });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RedubError('E_URL_INVALID', { details: [`${url.protocol} addresses are not downloaded; only http and https are.`] });
  if (url.username || url.password) throw new RedubError('E_URL_INVALID', { details: ['A URL with a user name or password in it would be stored with the job; download the file yourself instead.'] });
  return url;
}

/** The whole file's length: from Content-Range when the server honoured the range, else Content-Length. */
function totalLength(response: Response): number | null {
  const range = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '');
  if (range) return Number(range[1]);
  const length = response.status === 200 ? response.headers.get('content-length') : null;
  return length !== null && /^\d+$/.test(length) ? Number(length) : null;
}

/** The URL's last path segment, made safe as a file name, with the extension its type suggests. */
function fileNameFor(url: URL, type: string): string {
  const segment = url.pathname.split('/').pop() ?? '';
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    // A malformed escape: the segment as written.
  }
  const safe = sanitizeFileName(decoded, 'video');
  return !path.extname(safe) && extensionsByType[type] ? `${safe}${extensionsByType[type]}` : safe;
}
