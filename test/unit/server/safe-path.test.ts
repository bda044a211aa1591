// resolveInside maps a request path to a file under the renderer folder and refuses every way
// of stepping out of it.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isInside, resolveInside } from '../../../src-main/server/safe-path.js';

const root = path.resolve('/srv/redub/renderer');

describe('resolveInside', () => {
  it('maps plain paths to files under the root', () => {
    expect(resolveInside(root, '/')).toBe(root);
    expect(resolveInside(root, '/index.html')).toBe(path.join(root, 'index.html'));
    expect(resolveInside(root, '/assets/index-abc123.js')).toBe(path.join(root, 'assets', 'index-abc123.js'));
  });

  it('decodes percent-encoding once', () => {
    expect(resolveInside(root, '/assets/my%20file.css')).toBe(path.join(root, 'assets', 'my file.css'));
  });

  it.each([
    '/../etc/passwd',
    '/assets/../../etc/passwd',
    '/..%2f..%2fetc/passwd',
    '/..%2F..%2Fetc%2Fpasswd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
    '/..\\..\\etc\\passwd',
    '/..%5c..%5cetc%5cpasswd',
    '/%252e%252e/%252e%252e/etc/passwd',
    '/..%252f..%252fetc%252fpasswd',
    '/index.html%00.png',
    '/index.html\0',
    '/./index.html',
    '/%',
    '/%zz',
    'index.html',
    '//etc/passwd/..',
  ])('refuses %j', (urlPath) => {
    expect(resolveInside(root, urlPath)).toBeNull();
  });

  it('never returns a path outside the root for an absolute-looking path', () => {
    const resolved = resolveInside(root, '//etc/passwd');
    expect(resolved === null || isInside(root, resolved)).toBe(true);
  });
});

describe('isInside', () => {
  it('counts the root itself and its descendants, nothing else', () => {
    expect(isInside(root, root)).toBe(true);
    expect(isInside(root, path.join(root, 'a', 'b'))).toBe(true);
    expect(isInside(root, path.join(root, '..foo'))).toBe(true);
    expect(isInside(root, path.dirname(root))).toBe(false);
    expect(isInside(root, `${root}-evil`)).toBe(false);
  });
});
