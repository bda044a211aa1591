// The two custom schemes of the desktop app and what each URL may look like. The renderer is
// served from `app://redub/…`, a real origin (unlike file://) that IPC checks, the CSP and the
// navigation guard can name; job media is served from `redub-media://job/<id>/<track>` and
// `redub-media://job/<id>/audio/<refId>`, URLs that carry a job id and a name, never a file path.
import type { CustomScheme } from 'electron';
import type { MediaItem } from '../shared/contract.js';

export const appScheme = 'app';
export const appHost = 'redub';
export const appOrigin = `${appScheme}://${appHost}`;
export const appIndexUrl = `${appOrigin}/index.html`;

export const mediaScheme = 'redub-media';
export const mediaHost = 'job';
export const mediaTracks = ['original', 'dub', 'mix'] as const;
export type MediaTrack = (typeof mediaTracks)[number];
/** The path segment before an added audio file's refId. */
export const mediaAudioSegment = 'audio';

/** Builds the URL the service hands out for a job's track or added audio file (its `mediaUrl` option). */
export function mediaUrlFor(jobId: string, item: MediaItem): string {
  const job = `${mediaScheme}://${mediaHost}/${encodeURIComponent(jobId)}`;
  return typeof item === 'string' ? `${job}/${item}` : `${job}/${mediaAudioSegment}/${encodeURIComponent(item.audio)}`;
}

/**
 * `scheme://host[:port]` of a URL, or null when it has none. WHATWG's `URL.origin` is the string
 * "null" for custom schemes, so it cannot tell app://redub from app://elsewhere; this can.
 * file: URLs give "file://", which no trusted list contains.
 */
export function originOf(url: string): string | null {
  if (!URL.canParse(url)) return null;
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}`;
}

export function isTrustedUrl(url: string | null | undefined, trustedOrigins: readonly string[]): boolean {
  if (!url) return false;
  const origin = originOf(url);
  return origin !== null && origin !== 'file://' && trustedOrigins.includes(origin);
}

/**
 * Registered before the app is ready (Electron allows this once). `standard` + `secure` give
 * app:// a proper origin with storage and fetch; `stream` lets <video> seek through
 * redub-media:// by range requests; `corsEnabled` lets the renderer fetch() audio for waveforms
 * across the two schemes (the media responses name app://redub as the allowed origin).
 */
export const privilegedSchemes: CustomScheme[] = [
  { scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  { scheme: mediaScheme, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: true } },
];
