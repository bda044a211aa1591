// The models view in Chromium: install a pack from a local server with visible progress, verify
// it, remove it. The catalog is a test one (REDUB_MODEL_CATALOG) whose files a local HTTP server
// serves, so nothing leaves this machine.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissingReason, launchChromium, screenshotOnFailure, startServer, type RunningServer } from '../helpers/browser.js';
import { makeTestPack, servedFiles, startFileServer, type FileServer } from '../integration/models/model-fixtures.js';

const skip = chromiumMissingReason;

describe.skipIf(skip)(`the models view in Chromium${skip ? ` (skipped: ${skip})` : ''}`, { timeout: 120_000 }, () => {
  let folder: string;
  let files: FileServer;
  let server: RunningServer;
  let browser: Browser;
  let page: Page | undefined;

  beforeAll(async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'redub-models-e2e-'));
    const served: Record<string, Buffer> = {};
    files = await startFileServer(served, { dropAfter: 200_000 });
    const testPack = makeTestPack(files.url, 'test-pack', [300_000, 4_000_000]);
    Object.assign(served, servedFiles(testPack));
    const catalog = path.join(folder, 'catalog.json');
    writeFileSync(catalog, JSON.stringify({ version: 1, packs: [testPack.pack] }));
    server = await startServer(path.join(folder, 'data'), { REDUB_MODEL_CATALOG: catalog });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await files?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') await screenshotOnFailure(page, context.task.name);
    await page?.close();
  });

  it('installs a pack with progress (surviving a dropped connection), verifies it and removes it', async () => {
    page = await browser.newPage();
    await page.goto(server.url);
    await page.getByTestId('nav-models').click();
    const row = page.locator('[data-testid=model-row][data-pack-id="test-pack"]');
    await row.waitFor();
    expect(await row.getAttribute('data-installed')).toBe('false');

    // Note whether a progress bar ever shows: a local install can finish within a few frames.
    await page.evaluate(() => {
      const seen = { progress: false };
      (window as unknown as { seen: typeof seen }).seen = seen;
      new MutationObserver(() => {
        if (document.querySelector('[data-testid=model-progress]')) seen.progress = true;
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await row.getByTestId('model-install').click();
    await page.locator('[data-testid=model-row][data-pack-id="test-pack"][data-installed=true]').waitFor({ timeout: 60_000 });
    expect(await page.evaluate(() => (window as unknown as { seen: { progress: boolean } }).seen.progress)).toBe(true);
    // The server cut the first transfer of each file; the install resumed with a range request.
    expect(files.requests.some((request) => request.status === 206 && request.range !== undefined)).toBe(true);

    await row.getByTestId('model-verify').click();
    await expect.poll(async () => (await row.getByTestId('model-verify-result').textContent()) ?? '', { timeout: 15_000 }).toMatch(/ok|intact|verified/i);

    await row.getByTestId('model-remove').click();
    await row.getByTestId('model-remove').click();
    await page.locator('[data-testid=model-row][data-pack-id="test-pack"][data-installed=false]').waitFor({ timeout: 15_000 });
  });
});
