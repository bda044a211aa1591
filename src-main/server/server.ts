// The local HTTP API (`redub serve`): a node:http server on 127.0.0.1 only, over one
// RedubService. It owns the request's way in: the Host check, the token, the split between the
// API under /api/v1, the health and metrics endpoints and the renderer's files, and the rule that
// every failure leaves as the API's JSON error shape, never as a stack trace.
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { RedubError } from '../shared/errors.js';
import { packageRoot } from '../core/package-root.js';
import { readSettings } from '../core/service/app-settings.js';
import type { RedubService } from '../core/service/redub-service.js';
import { loadOrCreateToken, presentedToken, tokensMatch } from './api-token.js';
import { apiPrefix, matchRoute, type ApiContext } from './api-routes.js';
import { sendError, setCommonHeaders } from './http-io.js';
import { isLoopbackHost } from './loopback-host.js';
import { createEventJournal } from './event-journal.js';
import { createMetrics } from './metrics.js';
import { isDocsPath, serveDocs } from './docs-page.js';
import { serveRenderer } from './static-files.js';
import { createWebSocketGateway } from './websocket.js';

export { isLoopbackHost } from './loopback-host.js';

export const defaultPort = 8383;
/** Loopback only, always: the API drives a person's machine and is not meant for the network. */
export const loopbackHost = '127.0.0.1';

export interface ServerOptions {
  service: RedubService;
  dataDir: string;
  /** Where the built renderer lives; <package root>/out/renderer by default. */
  rendererDir?: string;
  /** The most bytes one upload may hold; the maxInputMb setting by default. */
  uploadLimitBytes?: number;
  /** Where the server reports unexpected errors (never sent to clients); stderr by default. */
  log?: (line: string) => void;
  /** How often WebSockets are pinged (a dead client is dropped after two); 30 s by default. */
  webSocketPingMs?: number;
}

export interface RedubHttpServer {
  server: Server;
  token: string;
  tokenFile: string;
  /** Ends open event streams and WebSockets and closes the listener; the service stays open (its owner closes it). */
  close(): Promise<void>;
}

export interface StartedServer {
  url: string;
  port: number;
  token: string;
  tokenFile: string;
  close(): Promise<void>;
}

export function createServer(options: ServerOptions): RedubHttpServer {
  const { service } = options;
  const { token, file: tokenFile } = loadOrCreateToken(options.dataDir);
  const rendererDir = path.resolve(options.rendererDir ?? path.join(packageRoot(), 'out', 'renderer'));
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const metrics = createMetrics({
    queueStatus: () => service.queueStatus(),
    onEvent: (listener) => service.onEvent(listener),
    jobStages: (jobId) => service.core.store.stages.list(jobId, service.core.stageNames),
  });
  const context: ApiContext = {
    service,
    metrics,
    version: packageVersion(),
    uploadLimitBytes: async () => options.uploadLimitBytes ?? readSettings(service.core.store.settings).maxInputMb * 1024 * 1024,
    streams: new Set(),
    journal: createEventJournal(service),
  };
  const report = (error: unknown) => {
    const text = error instanceof Error ? (process.env.REDUB_DEBUG ? (error.stack ?? error.message) : error.message) : String(error);
    log(`redub serve: unexpected error: ${text}`);
  };

  const server = createHttpServer((req, res) => {
    handle(req, res, { context, token, rendererDir }).catch((error: unknown) => {
      // The body may be unread (a refused upload): read and drop it so the client sees the answer.
      if (!req.complete) {
        res.setHeader('Connection', 'close');
        req.resume();
      }
      sendError(res, error, report);
    });
  });
  // Event streams stay open for hours; only idle keep-alive sockets are timed out.
  server.requestTimeout = 0;
  const sockets = createWebSocketGateway({ service, journal: context.journal, token, pingMs: options.webSocketPingMs, report });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => sockets.handleUpgrade(req, socket, head));

  return {
    server,
    token,
    tokenFile,
    close: async () => {
      for (const end of [...context.streams]) end();
      // Upgraded sockets keep the listener from closing until they end.
      await sockets.close();
      context.journal.close();
      metrics.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // A download still in flight gets a moment to finish, then its socket is closed too.
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      });
    },
  };
}

/** Starts the API on 127.0.0.1:port (port 0 takes any free port). */
export async function startServer(options: ServerOptions & { port?: number }): Promise<StartedServer> {
  const http = createServer(options);
  const port = options.port ?? defaultPort;
  await new Promise<void>((resolve, reject) => {
    http.server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new RedubError('E_PORT_IN_USE', { details: [`Port ${port} on ${loopbackHost} is taken.`] }));
      else reject(error);
    });
    http.server.listen(port, loopbackHost, () => resolve());
  });
  const actual = (http.server.address() as AddressInfo).port;
  return { url: `http://${loopbackHost}:${actual}/`, port: actual, token: http.token, tokenFile: http.tokenFile, close: http.close };
}

interface HandleContext {
  context: ApiContext;
  token: string;
  rendererDir: string;
}

async function handle(req: IncomingMessage, res: ServerResponse, { context, token, rendererDir }: HandleContext): Promise<void> {
  setCommonHeaders(res);
  if (!isLoopbackHost(req.headers.host)) {
    // A page on another site that made its name resolve to 127.0.0.1 (DNS rebinding) is refused
    // before anything else, even the files that need no token.
    throw new RedubError('E_FORBIDDEN_HOST', { details: [`Host: ${String(req.headers.host ?? '(none)').slice(0, 100)}`] });
  }
  const url = req.url ?? '/';
  const queryStart = url.indexOf('?');
  const rawPath = queryStart === -1 ? url : url.slice(0, queryStart);
  const query = new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1));
  const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');

  // The health check and metrics answer at the root too, where monitoring tools look for them.
  const apiPath = rawPath === '/health' || rawPath === '/metrics' ? `${apiPrefix}${rawPath}` : rawPath;
  if (apiPath === apiPrefix || apiPath.startsWith(`${apiPrefix}/`) || apiPath === '/api' || apiPath.startsWith('/api/')) {
    const segments = apiPath.startsWith(`${apiPrefix}/`) ? apiPath.slice(apiPrefix.length + 1).split('/') : null;
    const match = segments ? matchRoute(segments) : null;
    if (!match?.route.open) {
      const allowQuery = method === 'GET' && match?.route.queryToken === true;
      if (!tokensMatch(presentedToken(req.headers, query, allowQuery), token)) throw new RedubError('E_UNAUTHORIZED');
    }
    if (!match) throw new RedubError('E_ROUTE_NOT_FOUND', { details: [`${req.method} ${rawPath.slice(0, 200)}`] });
    const handler = match.route.handlers[method as keyof typeof match.route.handlers];
    if (!handler) {
      res.setHeader('Allow', allowedMethods(Object.keys(match.route.handlers)));
      throw new RedubError('E_METHOD_NOT_ALLOWED', { details: [`${req.method} ${rawPath.slice(0, 200)}`] });
    }
    await handler({ req, res, params: match.params, query, context });
    return;
  }
  if (method !== 'GET') {
    res.setHeader('Allow', 'GET, HEAD');
    throw new RedubError('E_METHOD_NOT_ALLOWED');
  }
  if (isDocsPath(rawPath)) return serveDocs(req, res, rawPath);
  await serveRenderer(req, res, rendererDir, rawPath);
}

function allowedMethods(methods: string[]): string {
  return (methods.includes('GET') ? [...methods, 'HEAD'] : methods).join(', ');
}


let cachedVersion: string | null = null;

function packageVersion(): string {
  cachedVersion ??= (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  return cachedVersion;
}
