// Owns the OpenAPI 3.1 document served at /api/v1/openapi.json: the operations described in
// openapi-operations.ts, each with the security its route in the `routes` table really has
// (open, header token, or ?token= as well), under the servers entry /api/v1.
import type { Route } from './api-routes.js';
import { operations, type HttpMethod, type OperationSpec } from './openapi-operations.js';
import { components, type OpenApiObject } from './openapi-schemas.js';

/** A route's pattern as an OpenAPI path: ['jobs', ':id'] → /jobs/{id}. */
export function openApiPath(pattern: string[]): string {
  return `/${pattern.map((part) => (part.startsWith(':') ? `{${part.slice(1)}}` : part)).join('/')}`;
}

const bearerOnly = [{ bearer: [] }];
const bearerOrQuery = [{ bearer: [] }, { queryToken: [] }];
/** The WebSockets take ?token=: a browser's WebSocket cannot send an Authorization header. */
const outsideSecurity: Record<string, OpenApiObject[]> = { 'GET /ws': bearerOrQuery, 'GET /jobs/{id}/progress': bearerOrQuery, 'GET /stats': bearerOnly };

function securityFor(route: Route | undefined, key: string): OpenApiObject[] {
  if (!route) return outsideSecurity[key] ?? bearerOnly;
  if (route.open) return [];
  return route.queryToken ? bearerOrQuery : bearerOnly;
}

let cached: { version: string; routes: Route[]; document: OpenApiObject } | null = null;

/** The document for this server; built once, since neither the routes nor the schemas change while it runs. */
export function openApiDocument(routes: Route[], version: string): OpenApiObject {
  if (cached?.version === version && cached.routes === routes) return cached.document;
  const routeByPath = new Map(routes.map((route) => [openApiPath(route.pattern), route]));
  const paths: Record<string, Record<string, OperationSpec>> = {};
  for (const [path, methods] of Object.entries(operations)) {
    const route = routeByPath.get(path);
    for (const [method, spec] of Object.entries(methods) as [HttpMethod, OperationSpec][]) {
      (paths[path] ??= {})[method] = { ...spec, security: securityFor(route, `${method.toUpperCase()} ${path}`) };
    }
  }
  const document: OpenApiObject = {
    openapi: '3.1.0',
    info: {
      title: 'Redub local API',
      version,
      description:
        'The API `redub serve` offers on 127.0.0.1 only (a request whose Host is not loopback is refused with 403). ' +
        'Send the token it prints as `Authorization: Bearer <token>`; media, event streams and WebSockets also take `?token=`. ' +
        'Every error is `{"error": {"code", "message", "action", "details"}}`. Request schemas are generated from the zod schemas the server validates with.',
      license: { name: 'GPL-3.0-or-later', identifier: 'GPL-3.0-or-later' },
    },
    servers: [{ url: '/api/v1' }],
    security: bearerOnly,
    tags: ['jobs', 'cues', 'media', 'queue', 'settings', 'events', 'models', 'server'].map((name) => ({ name })),
    paths,
    components,
  };
  cached = { version, routes, document };
  return document;
}
