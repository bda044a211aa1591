// `redub serve [--port N]`: the local HTTP API and the browser app over the same core the CLI and
// the desktop app use, on 127.0.0.1 only, until Ctrl+C (SIGINT) or SIGTERM; then it stops
// accepting requests, lets running work settle and exits 0.
import { RedubError } from '../../shared/errors.js';
import { RedubService } from '../../core/service/redub-service.js';
import { mediaUrlFor } from '../../server/api-routes.js';
import { defaultPort, startServer } from '../../server/server.js';
import type { Output } from '../output.js';

export { serveOptions } from '../command-options.js';

export async function serveCommand(dataDir: string, values: { port?: string }, output: Output): Promise<number> {
  const port = parsePort(values.port);
  const service = new RedubService({ dataDir, mediaUrl: mediaUrlFor });
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({ service, dataDir, port });
  } catch (error) {
    await service.close();
    throw error;
  }
  const stopped = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  // The token goes to the person at the terminal, not into --json output that scripts may log:
  // a script reads it from the token file.
  output.result({ url: server.url, port: server.port, tokenFile: server.tokenFile }, () =>
    [
      `Redub is serving on ${server.url}?token=${server.token}`,
      `API: ${server.url}api/v1 with "Authorization: Bearer <token>"; the token is kept in ${server.tokenFile}.`,
      'Press Ctrl+C to stop.',
    ].join('\n'),
  );
  const signal = await stopped;
  output.note(`\n${signal === 'SIGINT' ? 'Ctrl+C' : signal}: stopping; running jobs resume at the next start.`);
  await server.close();
  await service.close();
  return 0;
}

function parsePort(value: string | undefined): number {
  if (value === undefined) return defaultPort;
  const port = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(port) || port > 65_535) {
    throw new RedubError('E_USAGE', { message: `--port expects a port number from 0 to 65535 (0 takes any free port), got "${value}".` });
  }
  return port;
}
