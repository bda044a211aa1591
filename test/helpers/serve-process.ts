// `redub serve` as its own process, the way a script runs it: started on a free port, spoken to
// over HTTP with its token, and stopped (or killed) at the end.
import { readFileSync } from 'node:fs';
import { startRedub, type CliResult } from './cli.js';

export interface ServeProcess {
  url: string;
  token: string;
  pid: number;
  /** GET/POST under /api/v1 (or the root paths given with a leading slash), JSON in and out. */
  api(method: string, route: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }>;
  stop(): Promise<CliResult>;
}

/** `port` 0 (the default) takes any free port; a test that restarts the server passes the first one's. */
export async function startServe(dataDir: string, env: NodeJS.ProcessEnv = {}, port = 0): Promise<ServeProcess> {
  const { child, done } = startRedub(['serve', '--port', String(port), '--json', '--data-dir', dataDir], env);
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const deadline = Date.now() + 30_000;
  while (!/\}\s*$/.test(stdout)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`redub serve did not start: ${stdout}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const printed = JSON.parse(stdout) as { url: string; tokenFile: string };
  const token = readFileSync(printed.tokenFile, 'utf8').trim();
  return {
    url: printed.url,
    token,
    pid: child.pid!,
    async api(method, route, body) {
      const target = route.startsWith('/') ? `${printed.url}${route.slice(1)}` : `${printed.url}api/v1/${route}`;
      const response = await fetch(target, {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    },
    async stop() {
      child.kill('SIGTERM');
      return done;
    },
  };
}
