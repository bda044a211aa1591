// Owns the local API's one secret: a random token made on the first start and kept in
// <data-dir>/api-token (readable by its owner only), and checking what a request presents
// against it. The API listens on loopback only, but any program on the machine can reach
// loopback; the token is what stops a web page or another user's process from driving Redub.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import path from 'node:path';

export const tokenFileName = 'api-token';
const tokenPattern = /^[0-9a-f]{64}$/;

/** The token in <dataDir>/api-token, made (32 random bytes, hex) when there is none yet or what
 * is there is not a token. The file is kept at mode 0600 either way. */
export function loadOrCreateToken(dataDir: string): { token: string; file: string } {
  const file = path.join(dataDir, tokenFileName);
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if (tokenPattern.test(stored)) {
      if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
      return { token: stored, file };
    }
  }
  mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(32).toString('hex');
  // Written beside, then renamed: a crash never leaves a half-written token that the next start
  // would replace, locking out every client that already read the old one.
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${token}\n`, { mode: 0o600 });
  renameSync(temporary, file);
  return { token, file };
}

/** Compares in constant time: hashing both sides first makes the comparison independent of
 * where they differ and of their lengths. */
export function tokensMatch(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The token a request presents: "Authorization: Bearer <token>", or where the route allows it
 * (media and the event stream: a <video src> and an EventSource cannot send headers), ?token=. */
export function presentedToken(headers: IncomingHttpHeaders, query: URLSearchParams, allowQuery: boolean): string | null {
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1]!;
  }
  return allowQuery ? query.get('token') : null;
}
