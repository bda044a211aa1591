// The API token: made once, kept at mode 0600, reused on the next start, replaced when the file
// holds something else; compared in constant time; taken from the header, or the query where allowed.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrCreateToken, presentedToken, tokenFileName, tokensMatch } from '../../../src-main/server/api-token.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

describe('loadOrCreateToken', () => {
  const temporary = useTemporaryDirectory();

  it('makes 32 random bytes as hex on the first start, in <dataDir>/api-token', () => {
    const { token, file } = loadOrCreateToken(temporary());
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(file).toBe(path.join(temporary(), tokenFileName));
    expect(readFileSync(file, 'utf8').trim()).toBe(token);
  });

  it.skipIf(process.platform === 'win32')('keeps the file readable by its owner only (0600)', () => {
    const { file } = loadOrCreateToken(temporary());
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('reuses the stored token on the next start', () => {
    const first = loadOrCreateToken(temporary());
    const second = loadOrCreateToken(temporary());
    expect(second.token).toBe(first.token);
  });

  it.skipIf(process.platform === 'win32')('tightens a token file that others could read', () => {
    const file = path.join(temporary(), tokenFileName);
    writeFileSync(file, `${'ab'.repeat(32)}\n`, { mode: 0o644 });
    expect(loadOrCreateToken(temporary()).token).toBe('ab'.repeat(32));
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('replaces a file that does not hold a token', () => {
    const file = path.join(temporary(), tokenFileName);
    writeFileSync(file, 'not a token');
    const { token } = loadOrCreateToken(temporary());
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(file, 'utf8').trim()).toBe(token);
  });

  it('makes a different token for a different data folder', () => {
    const a = loadOrCreateToken(path.join(temporary(), 'a')).token;
    const b = loadOrCreateToken(path.join(temporary(), 'b')).token;
    expect(a).not.toBe(b);
  });
});

describe('tokensMatch', () => {
  const token = 'f'.repeat(64);

  it('accepts exactly the token', () => {
    expect(tokensMatch(token, token)).toBe(true);
  });

  it('refuses anything else, whatever its length', () => {
    for (const given of [null, undefined, '', 'f', 'f'.repeat(63), 'f'.repeat(65), `${'f'.repeat(63)}e`, token.toUpperCase()]) {
      expect(tokensMatch(given, token), String(given)).toBe(false);
    }
  });
});

describe('presentedToken', () => {
  const query = new URLSearchParams('token=from-query');

  it('reads "Authorization: Bearer <token>", case-insensitively on the scheme', () => {
    expect(presentedToken({ authorization: 'Bearer abc' }, new URLSearchParams(), false)).toBe('abc');
    expect(presentedToken({ authorization: 'bearer abc' }, new URLSearchParams(), false)).toBe('abc');
  });

  it('ignores other schemes and malformed headers', () => {
    expect(presentedToken({ authorization: 'Basic abc' }, new URLSearchParams(), false)).toBeNull();
    expect(presentedToken({ authorization: 'Bearer a b' }, new URLSearchParams(), false)).toBeNull();
  });

  it('takes ?token= only where the route allows it', () => {
    expect(presentedToken({}, query, false)).toBeNull();
    expect(presentedToken({}, query, true)).toBe('from-query');
  });

  it('prefers the header over the query', () => {
    expect(presentedToken({ authorization: 'Bearer header' }, query, true)).toBe('header');
  });
});
