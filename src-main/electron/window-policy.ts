// The security decisions of the window, as plain functions so they can be tested without
// Electron: where its pages may navigate, which links open in the system browser, the content
// security policy, and which permissions a page gets. The web preferences are in window.ts, at
// the constructor, where scanners can read them.
import { isTrustedUrl, mediaScheme } from './app-origin.js';

/** A page may navigate only within the app's own origins; anything else is stopped. */
export function isNavigationAllowed(url: string, trustedOrigins: readonly string[]): boolean {
  return isTrustedUrl(url, trustedOrigins);
}

/**
 * Every new-window request is denied. A plain web link (http or https) is handed to the system
 * browser instead, so help and licence links work; any other scheme (file:, custom ones) is dropped.
 */
export function externalUrlToOpen(url: string): string | null {
  if (!URL.canParse(url)) return null;
  const parsed = new URL(url);
  return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
}

/**
 * The permissions our own pages may have: notifications (as the checklist's one need), fullscreen
 * for the preview player, and writing to the clipboard (copying a log). Everything else
 * (camera, microphone, geolocation, …) is denied, and every permission is denied to other origins.
 */
const grantedPermissions = new Set(['notifications', 'fullscreen', 'clipboard-sanitized-write']);

export function isPermissionGranted(permission: string, requestingUrl: string | null | undefined, trustedOrigins: readonly string[]): boolean {
  return grantedPermissions.has(permission) && isTrustedUrl(requestingUrl, trustedOrigins);
}

/**
 * The CSP of the app's pages. Scripts come only from the app itself; media from the app and the
 * media scheme; no plugins, no frames, no forms. The dev server needs inline scripts (React
 * refresh's preamble) and its WebSocket for hot reload, so those are added only in development.
 */
export function contentSecurityPolicy(devServerOrigin?: string): string {
  const dev = devServerOrigin ? new URL(devServerOrigin) : null;
  const devSocket = dev ? ` ${dev.protocol === 'https:' ? 'wss' : 'ws'}://${dev.host}` : '';
  const directives = [
    "default-src 'self'",
    `script-src 'self'${dev ? " 'unsafe-inline'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `media-src 'self' blob: ${mediaScheme}:`,
    `connect-src 'self' ${mediaScheme}:${devSocket}`,
    "font-src 'self' data:",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "frame-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ];
  return directives.join('; ');
}

/** Response headers with our CSP in place of any the page came with (header names are case-insensitive). */
export function withContentSecurityPolicy(headers: Record<string, string[]> | undefined, policy: string): Record<string, string[]> {
  const kept = Object.entries(headers ?? {}).filter(([name]) => name.toLowerCase() !== 'content-security-policy');
  return { ...Object.fromEntries(kept), 'Content-Security-Policy': [policy] };
}
