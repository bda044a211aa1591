import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { handleRendererRequest, rendererFileFor } from '../../../src-main/electron/renderer-request.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

describe('renderer requests (app://redub)', () => {
  const temporaryDirectory = useTemporaryDirectory('redub-renderer-');
  let rendererDir: string;

  beforeEach(() => {
    rendererDir = path.join(temporaryDirectory(), 'renderer');
    mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Redub</title>');
    writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(path.join(temporaryDirectory(), 'secret.txt'), 'secret');
  });

  const get = (url: string) => handleRendererRequest(new Request(url), rendererDir);

  it('serves index.html for the root, with the content security policy', async () => {
    const response = await get('app://redub/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await response.text()).toContain('<title>Redub</title>');
  });

  it('serves assets with their content type', async () => {
    const response = await get('app://redub/assets/app.js');
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await response.text()).toBe('console.log(1)');
  });

  it('falls back to index.html for client-side routes, but not for missing files', async () => {
    expect(await (await get('app://redub/jobs/123')).text()).toContain('Redub');
    expect((await get('app://redub/assets/missing.js')).status).toBe(404);
  });

  it.each([
    'app://redub/%2e%2e/secret.txt',
    'app://redub/..%2Fsecret.txt',
    'app://redub/assets/..%2F..%2Fsecret.txt',
    'app://redub/%2F..%2Fsecret.txt',
    'app://elsewhere/index.html',
    'app://redub/%00index.html',
  ])('never serves a file outside the renderer folder: %s', async (url) => {
    const response = await get(url);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('secret');
  });

  it('resolves only inside the folder', () => {
    expect(rendererFileFor('app://redub/assets/app.js', rendererDir)).toBe(path.join(rendererDir, 'assets', 'app.js'));
    expect(rendererFileFor('app://redub/..%2F..%2Fetc%2Fpasswd', rendererDir)).toBeNull();
  });
});
