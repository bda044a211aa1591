// The API's description and its documentation page through a real server: /api/v1/openapi.json
// without a token but only on a loopback Host, and /docs with Swagger UI's files from the
// installed package, its own policy, and nothing else of the package (or the disk) reachable.
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { routes } from '../../../src-main/server/api-routes.js';
import { docsContentSecurityPolicy } from '../../../src-main/server/docs-page.js';
import { openApiDocument } from '../../../src-main/server/openapi.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { expectApiError, send, startHarness, type Harness } from './server-harness.js';

const version = (JSON.parse(readFileSync(path.join(import.meta.dirname, '../../../package.json'), 'utf8')) as { version: string }).version;
const swaggerFolder = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

describe('the API description and /docs', () => {
  const temporary = useTemporaryDirectory('redub-openapi-');
  let harness: Harness | null = null;

  afterEach(async () => {
    await harness?.close();
    harness = null;
  });

  it('serves the OpenAPI document at /api/v1/openapi.json without a token, as the server builds it', async () => {
    const h = (harness = await startHarness(temporary()));
    const reply = await send(h.port, { path: '/api/v1/openapi.json' });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
    const served = reply.json<{ openapi: string; info: { title: string; version: string }; servers: unknown }>();
    expect(served).toEqual(JSON.parse(JSON.stringify(openApiDocument(routes, version))));
    expect(served.info).toMatchObject({ title: 'Redub local API', version });
    expect(served.servers).toEqual([{ url: '/api/v1' }]);
    // A wrong token is not a reason to refuse a document that needs none.
    expect((await send(h.port, { path: '/api/v1/openapi.json', headers: { Authorization: 'Bearer wrong' } })).status).toBe(200);
    expect(reply.text).not.toContain(h.token);
    expect(reply.text).not.toContain(h.dataDir);
  });

  it('refuses the document and the page to a Host that is not loopback (DNS rebinding)', async () => {
    const h = (harness = await startHarness(temporary()));
    for (const route of ['/api/v1/openapi.json', '/docs', '/docs/swagger-ui-bundle.js']) {
      expectApiError(await send(h.port, { path: route, headers: { Host: 'attacker.example:8383' } }), 403, 'E_FORBIDDEN_HOST');
    }
    expectApiError(await send(h.port, { method: 'POST', path: '/api/v1/openapi.json', headers: { 'Content-Type': 'application/json' }, body: '{}' }), 405, 'E_METHOD_NOT_ALLOWED');
  });

  it('serves /docs as a page of its own files under its own policy', async () => {
    const h = (harness = await startHarness(temporary()));
    for (const route of ['/docs', '/docs/']) {
      const page = await send(h.port, { path: route });
      expect(page.status, route).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.headers['content-security-policy']).toBe(docsContentSecurityPolicy);
      expect(page.headers['x-frame-options']).toBe('DENY');
      // No inline script: the policy allows only 'self', and every script and style is one of ours.
      const scripts = [...page.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.map(([, attributes]) => /src="([^"]+)"/.exec(attributes!)?.[1])).toEqual(['/docs/swagger-ui-bundle.js', '/docs/docs.js']);
      expect(scripts.every(([, , body]) => body!.trim() === '')).toBe(true);
      const urls = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
      expect(urls.every((url) => url.startsWith('/'))).toBe(true);
    }
    expect(docsContentSecurityPolicy).toContain("script-src 'self';");
    expect(docsContentSecurityPolicy).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|https?:/);
  });

  it('serves the Swagger UI files from the installed package and the start-up script, with their types', async () => {
    const h = (harness = await startHarness(temporary()));
    const files = [
      { route: '/docs/swagger-ui.css', type: 'text/css; charset=utf-8', size: statSync(path.join(swaggerFolder, 'swagger-ui.css')).size },
      { route: '/docs/swagger-ui-bundle.js', type: 'text/javascript; charset=utf-8', size: statSync(path.join(swaggerFolder, 'swagger-ui-bundle.js')).size },
      { route: '/docs/favicon-32x32.png', type: 'image/png', size: statSync(path.join(swaggerFolder, 'favicon-32x32.png')).size },
    ];
    for (const { route, type, size } of files) {
      const reply = await send(h.port, { path: route });
      expect(reply.status, route).toBe(200);
      expect(reply.headers['content-type']).toBe(type);
      expect(reply.body.length).toBe(size);
      const head = await send(h.port, { method: 'HEAD', path: route });
      expect(head.status).toBe(200);
      expect(head.body.length).toBe(0);
    }
    const script = await send(h.port, { path: '/docs/docs.js' });
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.text).toContain("url: '/api/v1/openapi.json'");
  });

  it('serves nothing else: not the package\'s other files, not a path out of it', async () => {
    const h = (harness = await startHarness(temporary()));
    for (const route of ['/docs/swagger-initializer.js', '/docs/index.js', '/docs/package.json', '/docs/../package.json', '/docs/%2e%2e/%2e%2e/package.json', '/docs/swagger-ui-bundle.js/', '/docs/assets/x.js']) {
      const reply = await send(h.port, { path: route });
      expect(reply.status, route).toBeGreaterThanOrEqual(400);
      expect(reply.status, route).toBeLessThan(500);
      expect(reply.text).not.toContain('"name": "redub"');
    }
    expectApiError(await send(h.port, { path: '/docs/swagger-initializer.js' }), 404, 'E_ROUTE_NOT_FOUND');
    expectApiError(await send(h.port, { method: 'POST', path: '/docs' }), 405, 'E_METHOD_NOT_ALLOWED');
  });
});
