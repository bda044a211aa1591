// The local API's token in a browser: `redub serve` prints a URL with ?token=…; the page keeps the
// token in localStorage and takes it out of the address bar, so it is not left in history,
// bookmarks or screenshots.

export const tokenStorageKey = 'redub.apiToken';

export interface TokenPlace {
  location: { href: string };
  history: { state: unknown; replaceState(state: unknown, unused: string, url: string): void };
  storage: { getItem(key: string): string | null; setItem(key: string, value: string): void } | null;
}

/** Takes the token from the URL (remembering it) or, failing that, from storage. */
export function takeApiToken(place: TokenPlace): string | null {
  const url = new URL(place.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    try {
      place.storage?.setItem(tokenStorageKey, fromUrl);
    } catch {
      // Storage can be disabled (private windows); the token still works for this page's life.
    }
    url.searchParams.delete('token');
    place.history.replaceState(place.history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  try {
    return place.storage?.getItem(tokenStorageKey) ?? null;
  } catch {
    return null;
  }
}

// Media elements cannot send headers, so their URLs carry the token; the API client owns that rule.
export { withToken } from '../../src-main/shared/client/media-url.js';
