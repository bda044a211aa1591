// Answers an app://redub/… request from the built renderer folder, free of Electron so it can be
// tested under Node. Only files inside that folder can be served; a path that would leave it
// is refused, and a path that names no file falls back to index.html (client-side routes).
import path from 'node:path';
import { appHost, appScheme } from './app-origin.js';
import { contentSecurityPolicy } from './window-policy.js';
import { contentTypeFor } from '../core/media/content-types.js';
import { openFileInFolder, readServedFile } from '../core/files/served-file.js';


/** The file under rendererDir that a URL names, or null when it names none or would leave the folder. */
export function rendererFileFor(url: string, rendererDir: string): string | null {
  if (!URL.canParse(url)) return null;
  const parsed = new URL(url);
  if (parsed.protocol !== `${appScheme}:` || parsed.host !== appHost) return null;
  let relative: string;
  try {
    relative = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (relative.includes('\0')) return null;
  if (relative === '/' || relative === '') relative = '/index.html';
  const root = path.resolve(rendererDir);
  const file = path.resolve(root, `.${relative}`);
  const inside = path.relative(root, file);
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) return null;
  return file;
}

export async function handleRendererRequest(request: Request, rendererDir: string): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405 });
  const file = rendererFileFor(request.url, rendererDir);
  if (!file) return new Response('Not found', { status: 404 });
  const served = (await openFileInFolder(rendererDir, file)) ?? (path.extname(file) === '' ? await openFileInFolder(rendererDir, path.join(path.resolve(rendererDir), 'index.html')) : null);
  if (!served) return new Response('Not found', { status: 404 });
  const extension = path.extname(served.path).toLowerCase();
  const headers: Record<string, string> = { 'Content-Type': contentTypeFor(served.path), 'X-Content-Type-Options': 'nosniff' };
  // Also set by the session's header hook; set here too so a page never goes out without one.
  if (extension === '.html') headers['Content-Security-Policy'] = contentSecurityPolicy();
  const body = request.method === 'HEAD' ? null : await readServedFile(served);
  if (request.method === 'HEAD') await served.close();
  return new Response(body ? new Uint8Array(body) : null, { status: 200, headers });
}
