// `redub serve` as a person or a script starts it: it prints where it serves (one JSON object
// with --json), answers on that port, and on SIGTERM or Ctrl+C closes cleanly with exit code 0.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot, startRedub } from '../../helpers/cli.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

const cliBundle = path.join(repositoryRoot, 'out', 'node', 'cli.js');

function waitForOutput(read: () => string, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const check = () => {
      const match = read().match(pattern);
      if (match) return resolve(match);
      if (Date.now() > deadline) return reject(new Error(`no ${pattern} in output: ${read()}`));
      setTimeout(check, 50);
    };
    check();
  });
}

describe('redub serve', () => {
  const temporary = useTemporaryDirectory();

  it('is in the built command (run `npm run build:node` after changing the sources)', () => {
    expect(readFileSync(cliBundle, 'utf8')).toContain('redub serve');
  });

  it('prints {url, port, tokenFile} with --json, serves there, and exits 0 on SIGTERM', async () => {
    const dataDir = path.join(temporary(), 'data');
    let stdout = '';
    const { child, done } = startRedub(['serve', '--port', '0', '--json', '--data-dir', dataDir]);
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    await waitForOutput(() => stdout, /\}\s*$/);
    const printed = JSON.parse(stdout) as { url: string; port: number; tokenFile: string };
    expect(printed.url).toBe(`http://127.0.0.1:${printed.port}/`);
    expect(printed.port).toBeGreaterThan(0);
    expect(printed.tokenFile).toBe(path.join(dataDir, 'api-token'));
    const token = readFileSync(printed.tokenFile, 'utf8').trim();
    expect(stdout).not.toContain(token);

    const health = await fetch(`${printed.url}health`);
    expect(await health.json()).toMatchObject({ ok: true });
    const jobs = await fetch(`${printed.url}api/v1/jobs`, { headers: { Authorization: `Bearer ${token}` } });
    expect(await jobs.json()).toEqual({ total: 0, jobs: [] });

    child.kill('SIGTERM');
    const result = await done;
    expect(result.code, result.stderr).toBe(0);
  });

  it('tells a person the URL with the token, keeps the token across restarts, and stops on Ctrl+C', async () => {
    const dataDir = path.join(temporary(), 'data');
    const urls: string[] = [];
    for (let run = 0; run < 2; run++) {
      let stdout = '';
      const { child, done } = startRedub(['serve', '--port', '0', '--data-dir', dataDir]);
      child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const [, url] = await waitForOutput(() => stdout, /Redub is serving on (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64})\n/);
      urls.push(url!);
      child.kill('SIGINT');
      const result = await done;
      expect(result.code, result.stderr).toBe(0);
    }
    expect(urls[0]!.split('token=')[1]).toBe(urls[1]!.split('token=')[1]);
  });

  it('refuses a port that is not a number with exit code 2', async () => {
    const { done } = startRedub(['serve', '--port', 'eighty', '--data-dir', path.join(temporary(), 'data'), '--json']);
    const result = await done;
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'E_USAGE' } });
  });

  it('says the port is taken rather than crashing', async () => {
    const dataDir = path.join(temporary(), 'data');
    let stdout = '';
    const first = startRedub(['serve', '--port', '0', '--json', '--data-dir', dataDir]);
    first.child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    await waitForOutput(() => stdout, /\}\s*$/);
    const { port } = JSON.parse(stdout) as { port: number };
    const second = await startRedub(['serve', '--port', String(port), '--json', '--data-dir', path.join(temporary(), 'other')]).done;
    expect(second.code).toBe(2);
    expect(JSON.parse(second.stdout)).toMatchObject({ error: { code: 'E_PORT_IN_USE' } });
    first.child.kill('SIGTERM');
    expect((await first.done).code).toBe(0);
  });
});
