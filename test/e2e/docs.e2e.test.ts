// /docs in Chromium with every request off this machine refused: Swagger UI renders the whole
// operation list from the server's own files under the page's policy, and with the token from
// the address it calls the API for real (Try it out → Execute).
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissingReason, launchChromium, screenshotOnFailure } from '../helpers/browser.js';
import { useTemporaryDirectory } from '../helpers/temporary-directory.js';
import { startHarness, type Harness } from '../integration/server/server-harness.js';

const skip = chromiumMissingReason;

describe.skipIf(skip)(`/docs in Chromium${skip ? ` (skipped: ${skip})` : ''}`, { timeout: 120_000 }, () => {
  const temporary = useTemporaryDirectory('redub-docs-e2e-');
  let browser: Browser;
  let harness: Harness | null = null;
  let page: Page | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') await screenshotOnFailure(page, context.task.name);
    await page?.close();
    await harness?.close();
    harness = null;
  });

  /** A page that may reach only the server; what it tried elsewhere, and every policy violation, is noted. */
  async function offlinePage(h: Harness) {
    const origin = `http://127.0.0.1:${h.port}`;
    const outside: string[] = [];
    const problems: string[] = [];
    page = await browser.newPage();
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`)) return route.continue();
      outside.push(url);
      return route.abort();
    });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    return { page, origin, outside, problems };
  }

  it('renders every operation from /api/v1/openapi.json with nothing fetched from outside', async () => {
    const h = (harness = await startHarness(temporary()));
    const { page, origin, outside, problems } = await offlinePage(h);
    const document = (await (await fetch(`${origin}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.values(document.paths).reduce((count, item) => count + Object.keys(item).length, 0);

    await page.goto(`${origin}/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('.opblock').count()).toBe(operations);
    expect(await page.locator('.info .title').innerText()).toContain('Redub local API');
    await expect.poll(() => page.locator('.opblock-summary-path').allInnerTexts()).toContain('/jobs/{id}/cues');
    expect(await page.locator('button.authorize').count()).toBe(1);
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('takes the token from the address and calls the API with it', async () => {
    const h = (harness = await startHarness(temporary()));
    const { page, origin, outside, problems } = await offlinePage(h);
    await page.goto(`${origin}/docs?token=${h.token}#/queue/queueStatus`);
    const block = page.locator('#operations-queue-queueStatus');
    await block.waitFor({ timeout: 30_000 });
    // The token leaves the address bar once it is in the Authorize dialog.
    await expect.poll(() => page.url()).not.toContain('token=');
    if (!(await block.locator('.try-out__btn').isVisible())) await block.locator('.opblock-summary').click();
    await block.locator('.try-out__btn').click();
    await block.locator('.execute').click();
    const status = block.locator('.live-responses-table tr.response .response-col_status').first();
    await status.waitFor({ timeout: 15_000 });
    expect((await status.innerText()).trim()).toBe('200');
    expect(await block.locator('.live-responses-table .microlight, .live-responses-table pre').first().innerText()).toContain('"paused"');
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
  });
});
