// The Stats page in Chromium against `redub serve` over a data folder seeded with finished jobs:
// reached from the navigation, its figures as the core computed them, the window picker, and
// an accessibility audit in both themes.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src-main/core/store/database.js';
import { isTerminalJobState } from '../../src-main/shared/jobs.js';
import { seriousViolations } from '../helpers/accessibility.js';
import { chromiumMissingReason, launchChromium, screenshotOnFailure, startServer, type RunningServer } from '../helpers/browser.js';
import { seedJobs, statsFixture } from '../helpers/stats-seed.js';

const skip = chromiumMissingReason;

describe.skipIf(skip)(`the stats page in Chromium${skip ? ` (skipped: ${skip})` : ''}`, { timeout: 120_000 }, () => {
  let folder: string;
  let server: RunningServer;
  let browser: Browser;
  let page: Page | undefined;

  beforeAll(async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'redub-stats-e2e-'));
    const dataDir = path.join(folder, 'data');
    mkdirSync(dataDir, { recursive: true });
    // Finished jobs only (a queued one would run); not the one ending right at the day's edge.
    const db = openDatabase(path.join(dataDir, 'redub.db'));
    seedJobs(db, statsFixture(Date.now()).filter((job) => isTerminalJobState(job.state) && job.id !== 'j'));
    db.close();
    server = await startServer(dataDir);
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

  it('shows the last day from the navigation, switches to 7 days, and passes the audit in both themes', async () => {
    // The audit's script is injected inline, which the app's Content-Security-Policy forbids.
    page = await browser.newPage({ bypassCSP: true });
    await page.goto(server.url);
    await page.getByTestId('nav-stats').click();
    await page.getByRole('heading', { level: 1, name: 'Stats' }).waitFor();
    expect(await page.getByTestId('nav-stats').getAttribute('aria-current')).toBe('page');

    await expect.poll(async () => page!.getByTestId('stats-finished').locator('dd').textContent()).toBe('5');
    expect(await page.getByTestId('stats-success-rate').locator('dd').textContent()).toBe('60 % (3)');
    expect(await page.getByTestId('stats-failure-rate').locator('dd').textContent()).toBe('20 % (1)');
    expect(await page.getByTestId('stats-media-rate').locator('dd').textContent()).toBe('0.25 min/h');
    expect(await page.getByTestId('stats-cache-rate').locator('dd').textContent()).toBe('25 % (3 of 12 stages)');
    const rows = page.getByTestId('stats-duration-row');
    expect(await rows.evaluateAll((elements) => elements.map((row) => [...row.children].map((cell) => cell.textContent)))).toEqual([
      ['Whole job', '3', '2:00', '5:00'],
      ['probe', '4', '2.0 s', '4.0 s'],
      ['transcribe', '2', '20.0 s', '40.0 s'],
      ['synthesize', '2', '50.0 s', '1:10'],
      ['legacy', '1', '500 ms', '500 ms'],
    ]);
    expect(await page.locator('[data-testid=stats-by-state] [data-state=done] dd').textContent()).toBe('4');

    await page.getByLabel('Window').selectOption({ label: 'Last 7 days' });
    await expect.poll(async () => page!.getByTestId('stats-finished').locator('dd').textContent()).toBe('6');
    expect(await rows.first().evaluate((row) => [...row.children].map((cell) => cell.textContent))).toEqual(['Whole job', '4', '2:00', '16:40']);
    expect(page.url()).toMatch(/#\/stats$/);

    for (const theme of ['light', 'dark']) {
      await page.evaluate((value) => document.documentElement.setAttribute('data-theme', value), theme);
      expect(await seriousViolations(page), theme).toEqual([]);
    }
  });
});
