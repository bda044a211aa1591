// Starts `redub serve` and Debian's Chromium for end-to-end tests and renderer benchmarks.
// Chromium is not part of npm: where /usr/bin/chromium is missing, callers skip with that reason.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startRedub } from './cli.js';

export const chromiumPath = process.env.REDUB_CHROMIUM ?? '/usr/bin/chromium';
export const chromiumMissingReason = existsSync(chromiumPath) ? null : `Chromium is not installed at ${chromiumPath} (apt-get install chromium, or set REDUB_CHROMIUM)`;

export interface RunningServer {
  url: string;
  token: string;
  stop(): Promise<void>;
}

/** A JSON call to the server's /api/v1, with its token: what the end-to-end tests set up and check with. */
export async function callApi<T>(server: RunningServer, method: string, route: string, body?: unknown): Promise<T> {
  const response = await fetch(`${new URL(server.url).origin}/api/v1${route}`, {
    method,
    headers: { Authorization: `Bearer ${server.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await response.json()) as T;
}

export async function startServer(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<RunningServer> {
  const { child, done } = startRedub(['serve', '--port', '0', '--json', '--data-dir', dataDir], env);
  const info = await new Promise<{ url: string; tokenFile?: string }>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const line = text.split('\n').find((candidate) => candidate.trim().startsWith('{') && candidate.includes('"url"'));
      if (line) resolve(JSON.parse(line) as { url: string });
      else if (text.trim().startsWith('{') && text.includes('}')) {
        try {
          resolve(JSON.parse(text) as { url: string });
        } catch {
          /* more to come */
        }
      }
    });
    void done.then((result) => reject(new Error(`redub serve exited early (${result.code}): ${result.stderr}`)));
  });
  // --json names the token file rather than printing the secret.
  const token = new URL(info.url).searchParams.get('token') ?? (info.tokenFile ? readFileSync(info.tokenFile, 'utf8').trim() : '');
  return {
    url: info.url.includes('token=') ? info.url : `${info.url.replace(/\/?$/, '/')}?token=${token}`,
    token,
    async stop() {
      child.kill('SIGTERM');
      await done;
    },
  };
}

/** `unthrottled` lifts the 60 Hz frame cap, so frame intervals show the work a frame costs. */
export async function launchChromium(options: { unthrottled?: boolean } = {}): Promise<Browser> {
  const unthrottled = options.unthrottled ? ['--disable-gpu-vsync', '--disable-frame-rate-limit'] : [];
  return chromium.launch({
    executablePath: chromiumPath,
    args: [...unthrottled, '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
  });
}

/** Saves a screenshot of a failing test under test/e2e/__screenshots__. */
export async function screenshotOnFailure(page: Page | undefined, name: string): Promise<void> {
  if (!page) return;
  const folder = path.resolve('test', 'e2e', '__screenshots__');
  mkdirSync(folder, { recursive: true });
  await page.screenshot({ path: path.join(folder, `${name.replace(/[^a-z0-9]+/gi, '-')}.png`), fullPage: true }).catch(() => undefined);
}
