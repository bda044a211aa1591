// The desktop flow with model packs, in Chromium against `redub serve`: the tiny Whisper, Marian
// and Piper packs are imported into the data folder, a video is dropped with nothing else, and the
// job transcribes, translates and speaks — the detail view shows where each stage ran and the cues.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tinyPackIds, writeTinyPacks } from '../fixtures/models/tiny-packs.js';
import { chromiumMissingReason, launchChromium, screenshotOnFailure, startServer, type RunningServer } from '../helpers/browser.js';
import { bundledSample, runRedub } from '../helpers/cli.js';

const skip = chromiumMissingReason;

describe.skipIf(skip)(`dubbing with model packs in Chromium${skip ? ` (skipped: ${skip})` : ''}`, { timeout: 180_000 }, () => {
  let folder: string;
  let server: RunningServer;
  let browser: Browser;
  let page: Page | undefined;

  beforeAll(async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'redub-neural-e2e-'));
    const packsDir = path.join(folder, 'packs');
    const { packs } = writeTinyPacks(packsDir, 'https://example.invalid');
    const catalog = path.join(folder, 'catalog.json');
    writeFileSync(catalog, JSON.stringify({ version: 1, packs }));
    const env = { REDUB_MODEL_CATALOG: catalog };
    const dataDir = path.join(folder, 'data');
    for (const id of [tinyPackIds.whisper, tinyPackIds.marian, tinyPackIds.piper]) {
      const imported = await runRedub(['models', 'import', id, path.join(packsDir, id), '--data-dir', dataDir, '--json'], env);
      expect(imported.code, imported.stdout + imported.stderr).toBe(0);
    }
    server = await startServer(dataDir, env);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') await screenshotOnFailure(page, context.task.name);
    await page?.close();
  });

  it('dubs a video dropped alone: Whisper, Marian and Piper do the rest', async () => {
    page = await browser.newPage();
    await page.goto(server.url);
    const bytes = readFileSync(bundledSample.video).toString('base64');
    await page.getByTestId('drop-zone').evaluate((zone, base64) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([Uint8Array.from(atob(base64), (character) => character.charCodeAt(0))], 'talk.mp4', { type: 'video/mp4' }));
      zone.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: transfer }));
    }, bytes);
    await page.getByTestId('target-languages').fill('es');
    await page.getByTestId('create-jobs').click();
    await page.locator('[data-testid=job-row] [data-testid=job-state][data-state=done]').first().waitFor({ timeout: 90_000 });

    await page.getByTestId('job-row').first().click();
    const stage = (name: string) => page!.locator(`[data-testid=stage-row][data-stage=${name}]`);
    for (const name of ['transcribe', 'translate', 'synthesize']) {
      await expect.poll(() => stage(name).getAttribute('data-state')).toBe('done');
      expect(await stage(name).locator('td').last().textContent()).toBe('cpu');
    }
    const cues = page.getByTestId('cue-row');
    await cues.first().waitFor();
    expect(await cues.allTextContents()).toEqual([expect.stringContaining('Hello world.'), expect.stringContaining('Good morning.')]);
  });
});
