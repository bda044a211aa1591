import { describe, expect, it } from 'vitest';
import { takeApiToken, tokenStorageKey, withToken, type TokenPlace } from '../../../src-renderer/bridge/token.js';

function place(href: string, stored: Record<string, string> = {}) {
  const storage = new Map(Object.entries(stored));
  const replaced: string[] = [];
  const value: TokenPlace = {
    location: { href },
    history: { state: { page: 1 }, replaceState: (_state, _unused, url) => replaced.push(url) },
    storage: { getItem: (key) => storage.get(key) ?? null, setItem: (key, item) => void storage.set(key, item) },
  };
  return { value, storage, replaced };
}

describe('takeApiToken', () => {
  it('takes the token from the URL, stores it and removes it from the address bar', () => {
    const { value, storage, replaced } = place('http://127.0.0.1:7777/?token=abc&view=1#/jobs/x');
    expect(takeApiToken(value)).toBe('abc');
    expect(storage.get(tokenStorageKey)).toBe('abc');
    expect(replaced).toEqual(['/?view=1#/jobs/x']);
  });

  it('falls back to the stored token and leaves the URL alone', () => {
    const { value, replaced } = place('http://127.0.0.1:7777/#/queue', { [tokenStorageKey]: 'kept' });
    expect(takeApiToken(value)).toBe('kept');
    expect(replaced).toEqual([]);
  });

  it('prefers a new token in the URL over the stored one', () => {
    const { value, storage } = place('http://127.0.0.1:7777/?token=new', { [tokenStorageKey]: 'old' });
    expect(takeApiToken(value)).toBe('new');
    expect(storage.get(tokenStorageKey)).toBe('new');
  });

  it('works without storage, and answers null with no token anywhere', () => {
    const { value } = place('http://127.0.0.1:7777/?token=abc');
    expect(takeApiToken({ ...value, storage: null })).toBe('abc');
    expect(takeApiToken({ ...place('http://127.0.0.1:7777/').value, storage: null })).toBeNull();
  });
});

describe('withToken', () => {
  it('appends the token as a query parameter, before any hash', () => {
    expect(withToken('/media/1', 'a b')).toBe('/media/1?token=a%20b');
    expect(withToken('/media/1?x=1#t=5', 't')).toBe('/media/1?x=1&token=t#t=5');
  });

  it('leaves blob: URLs, URLs that already carry a token, and a missing token alone', () => {
    expect(withToken('blob:abc', 't')).toBe('blob:abc');
    expect(withToken('/m?token=x', 't')).toBe('/m?token=x');
    expect(withToken('/m', null)).toBe('/m');
  });
});
