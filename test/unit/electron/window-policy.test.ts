import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, externalUrlToOpen, isNavigationAllowed, isPermissionGranted, withContentSecurityPolicy } from '../../../src-main/electron/window-policy.js';
import { originOf, privilegedSchemes } from '../../../src-main/electron/app-origin.js';

const trusted = ['app://redub'];

describe('window policy', () => {
  it.each([
    ['app://redub/index.html', true],
    ['app://redub/jobs/1', true],
    ['app://elsewhere/index.html', false],
    ['https://example.com/', false],
    ['http://localhost:5173/', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['not a url', false],
  ])('navigation to %s allowed: %s', (url, allowed) => {
    expect(isNavigationAllowed(url, trusted)).toBe(allowed);
  });

  it('allows the dev server only when it is trusted', () => {
    expect(isNavigationAllowed('http://localhost:5173/index.html', [...trusted, 'http://localhost:5173'])).toBe(true);
    expect(isNavigationAllowed('http://localhost:5174/index.html', [...trusted, 'http://localhost:5173'])).toBe(false);
  });

  it.each([
    ['https://github.com/redub', 'https://github.com/redub'],
    ['http://example.com/help', 'http://example.com/help'],
    ['file:///etc/passwd', null],
    ['javascript:alert(1)', null],
    ['app://redub/index.html', null],
    ['smb://server/share', null],
  ])('a window.open of %s opens %s in the system browser (and no new window ever)', (url, external) => {
    expect(externalUrlToOpen(url)).toBe(external);
  });

  it.each([
    ['notifications', 'app://redub/index.html', true],
    ['fullscreen', 'app://redub/index.html', true],
    ['media', 'app://redub/index.html', false],
    ['geolocation', 'app://redub/index.html', false],
    ['notifications', 'https://evil.example/', false],
    ['notifications', null, false],
  ])('permission %s for %s granted: %s', (permission, url, granted) => {
    expect(isPermissionGranted(permission, url, trusted)).toBe(granted);
  });

  it('sets a strict CSP in production and loosens it only for the dev server', () => {
    const production = contentSecurityPolicy();
    expect(production).toContain("script-src 'self';");
    expect(production).not.toContain('unsafe-inline\'; style');
    expect(production).not.toContain('unsafe-eval');
    expect(production).toContain("object-src 'none'");
    expect(production).toContain('media-src \'self\' blob: redub-media:');
    expect(production).not.toMatch(/ws:/);
    const development = contentSecurityPolicy('http://localhost:5173');
    expect(development).toContain("script-src 'self' 'unsafe-inline'");
    expect(development).toContain('ws://localhost:5173');
  });

  it('replaces a CSP header whatever its case', () => {
    expect(withContentSecurityPolicy({ 'content-security-policy': ['default-src *'], 'Content-Type': ['text/html'] }, "default-src 'self'")).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': ["default-src 'self'"],
    });
  });

  it('names origins of custom schemes, which WHATWG URL calls "null"', () => {
    expect(originOf('app://redub/index.html')).toBe('app://redub');
    expect(originOf('file:///tmp/x.html')).toBe('file://');
    expect(originOf('nonsense')).toBeNull();
  });

  it('registers the media scheme for streaming and both schemes as standard and secure', () => {
    const media = privilegedSchemes.find((scheme) => scheme.scheme === 'redub-media');
    expect(media?.privileges).toMatchObject({ standard: true, secure: true, stream: true, supportFetchAPI: true });
    expect(media?.privileges?.bypassCSP).toBeFalsy();
    expect(privilegedSchemes.find((scheme) => scheme.scheme === 'app')?.privileges).toMatchObject({ standard: true, secure: true });
  });
});
