// Owns serving the renderer's built files (out/renderer) to a plain browser: the file a path
// names if it lies inside the renderer folder, else index.html for the app's own routes (a
// single-page app), with the content security policy the desktop window has too.
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { RedubError } from '../shared/errors.js';
import { contentTypeFor } from '../core/media/content-types.js';
import { openFileInFolder, readServedFile, type ServedFile } from '../core/files/served-file.js';
import { resolveInside } from './safe-path.js';

/** The desktop window's policy: only the app's own origin; media may also come from blob: URLs. */
export const contentSecurityPolicy =
  "default-src 'self'; media-src 'self' blob:; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Redub</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>Redub's local API is running</h1>
<p>The app's web interface is not built, so there is nothing to show here yet.
Run <code>npm run build:renderer</code>, then reload this page.</p>
<p>The API itself answers under <code>/api/v1</code>; see the README.</p>
</body></html>
`;

export function setHtmlHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', contentSecurityPolicy);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
}

export async function serveRenderer(req: IncomingMessage, res: ServerResponse, rendererDir: string, rawPath: string): Promise<void> {
  const root = path.resolve(rendererDir);
  const requested = resolveInside(root, rawPath);
  if (!requested) throw new RedubError('E_FORBIDDEN_PATH', { message: 'That path is not one of the app\'s files.', action: 'Open / and use the app from there.' });
  const file = await openFileInFolder(root, rawPath.endsWith('/') ? path.join(requested, 'index.html') : requested);
  if (file) return sendStatic(req, res, file);
  // A missing asset (it has an extension) is a 404; anything else is a route of the app itself.
  if (path.extname(requested) !== '') throw new RedubError('E_ROUTE_NOT_FOUND', { message: 'There is no such file.', action: 'Open / and use the app from there.' });
  const index = await openFileInFolder(root, path.join(root, 'index.html'));
  if (index) return sendStatic(req, res, index);
  setHtmlHeaders(res);
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(notBuiltPage), 'Cache-Control': 'no-store' });
  res.end(notBuiltPage);
}

async function sendStatic(req: IncomingMessage, res: ServerResponse, file: ServedFile): Promise<void> {
  const body = await readServedFile(file);
  const type = contentTypeFor(file.path);
  if (type.startsWith('text/html')) setHtmlHeaders(res);
  // Vite names built assets by content hash: they may be cached for good; the page itself not.
  const immutable = /[.-][A-Za-z0-9_-]{8,}\.(js|css|woff2?|png|svg|jpg|webp)$/.test(file.path) && file.path.includes(`${path.sep}assets${path.sep}`);
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': body.length,
    'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
