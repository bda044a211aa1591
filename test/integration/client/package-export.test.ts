// `redub/client` as another package sees it: resolved through package.json's "exports" to the
// built bundle (npm run build:node makes it), runnable under plain Node with no TypeScript.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../helpers/cli.js';

describe('the redub/client export', () => {
  it('resolves to the built bundle and its declarations', () => {
    const manifest = JSON.parse(readFileSync(path.join(repositoryRoot, 'package.json'), 'utf8')) as { exports: Record<string, { types: string; default: string }> };
    const entry = manifest.exports['./client']!;
    expect(existsSync(path.join(repositoryRoot, entry.default))).toBe(true);
    expect(readFileSync(path.join(repositoryRoot, entry.types), 'utf8')).toMatch(/createRedubClient/);
  });

  it('loads under plain Node and says the API cannot be reached when nothing listens', () => {
    const script = [
      "const { createRedubClient, RedubApiError } = await import('redub/client');",
      "const client = createRedubClient({ baseUrl: 'http://127.0.0.1:39', token: null, retries: 2, backoff: { baseMs: 1 } });",
      'const error = await client.getSettings().catch((caught) => caught);',
      'console.log(JSON.stringify({ isApiError: error instanceof RedubApiError, code: error.code }));',
    ].join('\n');
    const printed = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repositoryRoot, encoding: 'utf8' });
    expect(JSON.parse(printed)).toEqual({ isApiError: true, code: 'E_API_UNREACHABLE' });
  });
});
