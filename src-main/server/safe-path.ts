// Owns mapping a URL path to a file inside one folder without ever leaving it: the renderer's
// static files are served this way. Pure: it decides from strings alone, so it can be tested
// against every traversal trick; the caller still checks the real path (symbolic links).
import path from 'node:path';
import { isInside } from '../core/files/served-file.js';

export { isInside };

/**
 * The absolute file under `root` that `urlPath` (the raw path of a request, before any decoding)
 * names, or null when the path tries to leave `root` or is not a plain path: `..` segments,
 * encoded or not; backslashes; NUL; a second layer of percent-encoding; malformed encoding.
 */
export function resolveInside(root: string, urlPath: string): string | null {
  if (!urlPath.startsWith('/')) return null;
  let decoded: string;
  try {
    // Decoded exactly once. Whatever is still percent-encoded afterwards was encoded twice,
    // which no link the app makes does: it is refused, not decoded again.
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (/[\\\0]/.test(decoded) || /%[0-9a-f]{2}/i.test(decoded)) return null;
  const segments = decoded.split('/');
  if (segments.some((segment) => segment === '..' || segment === '.')) return null;
  const base = path.resolve(root);
  const resolved = path.resolve(base, `.${decoded}`);
  return isInside(base, resolved) ? resolved : null;
}

