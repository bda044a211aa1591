// Owns /docs: an interactive page over /api/v1/openapi.json made of Swagger UI's files, served
// from the installed swagger-ui-dist package (nothing from a CDN: it must work offline), and a
// small page and start-up script of our own. Only the files named here are served; a path is
// looked up in this table, never resolved against the package folder.
import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { RedubError } from '../shared/errors.js';
import { openFileInFolder, readServedFile } from '../core/files/served-file.js';
import { packageRoot } from '../core/package-root.js';

export const docsPath = '/docs';

/** Only our own files and scripts; Swagger UI sets inline styles and draws icons from data: URIs. */
export const docsContentSecurityPolicy =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Redub local API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
<noscript>This page needs JavaScript. The API's description itself is at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</noscript>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/docs.js"></script>
</body>
</html>
`;

// validatorUrl null: Swagger UI would otherwise send the document to validator.swagger.io.
// A ?token= in the page's address (the URL `redub serve` prints, with /docs) is put into the
// Authorize dialog and taken out of the address bar, so it is not left in the history.
const script = `'use strict';
(function () {
  var ui = SwaggerUIBundle({
    url: '/api/v1/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    onComplete: function () {
      var params = new URLSearchParams(window.location.search);
      var token = params.get('token');
      if (!token) return;
      ui.preauthorizeApiKey('bearer', token);
      params.delete('token');
      var rest = params.toString();
      window.history.replaceState(null, '', window.location.pathname + (rest ? '?' + rest : '') + window.location.hash);
    },
  });
  window.ui = ui;
})();
`;

/** The package's files the page uses, by the name they are served under. */
const packageFiles = ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png'] as const;

const contentTypes: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.png': 'image/png' };

let swaggerFolder: string | null = null;

/** Found from the package root, not from this file: the server also runs bundled into out/node. */
function swaggerUiFolder(): string {
  swaggerFolder ??= path.dirname(createRequire(path.join(packageRoot(), 'package.json')).resolve('swagger-ui-dist/package.json'));
  return swaggerFolder;
}

export function isDocsPath(rawPath: string): boolean {
  return rawPath === docsPath || rawPath.startsWith(`${docsPath}/`);
}

export async function serveDocs(req: IncomingMessage, res: ServerResponse, rawPath: string): Promise<void> {
  if (rawPath === docsPath || rawPath === `${docsPath}/` || rawPath === `${docsPath}/index.html`) {
    res.setHeader('Content-Security-Policy', docsContentSecurityPolicy);
    res.setHeader('X-Frame-Options', 'DENY');
    return send(req, res, 'text/html; charset=utf-8', Buffer.from(page));
  }
  const name = rawPath.slice(docsPath.length + 1);
  if (name === 'docs.js') return send(req, res, contentTypes['.js']!, Buffer.from(script));
  if (!(packageFiles as readonly string[]).includes(name)) {
    throw new RedubError('E_ROUTE_NOT_FOUND', { message: 'There is no such file in the API documentation.', action: 'Open /docs.' });
  }
  const folder = swaggerUiFolder();
  const file = await openFileInFolder(folder, path.join(folder, name));
  if (!file) {
    throw new RedubError('E_ROUTE_NOT_FOUND', { message: 'The API documentation\'s files are not installed.', action: 'Run npm install, then open /docs again.', details: [name] });
  }
  const body = await readServedFile(file);
  return send(req, res, contentTypes[path.extname(name)]!, body);
}

function send(req: IncomingMessage, res: ServerResponse, type: string, body: Buffer): void {
  // The files change only when the package is updated; revalidating costs nothing on loopback.
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length, 'Cache-Control': 'no-cache' });
  res.end(req.method === 'HEAD' ? undefined : body);
}
