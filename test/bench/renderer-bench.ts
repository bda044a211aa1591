// Renderer figures measured in Chromium against `redub serve`: the time until the queue shows its
// first row with 5,000 jobs in the store, and the frame times while scrolling that queue.
// Targets: first paint under 500 ms, scroll frames under 16 ms.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Store } from '../../src-main/core/store/store.js';
import { openDatabase } from '../../src-main/core/store/database.js';
import { percentile } from './percentile.js';
import { chromiumMissingReason, launchChromium, startServer } from '../helpers/browser.js';

const jobCount = 5000;

function seedJobs(dataDir: string): void {
  const database = openDatabase(path.join(dataDir, 'redub.db'));
  const store = new Store(database);
  // Paused, so the server does not start working through 5,000 made-up jobs while we measure.
  store.jobs.setPaused(true);
  database.transaction(() => {
    for (let index = 0; index < jobCount; index++) {
      store.jobs.enqueue({ idempotencyKey: `bench-${index}`, inputPath: `/videos/episode-${index}.mp4`, language: ['es', 'fr', 'de'][index % 3]!, sourceLanguage: 'en', options: {} });
    }
  })();
  database.close();
}

if (chromiumMissingReason) {
  console.log(`renderer bench skipped: ${chromiumMissingReason}`);
} else {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'redub-renderer-bench-'));
  seedJobs(dataDir);
  const server = await startServer(dataDir);
  const browser = await launchChromium({ unthrottled: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.addInitScript(() => {
      const observer = new MutationObserver(() => {
        if (document.querySelector('[data-testid=job-row]')) {
          (window as unknown as { firstRowAt: number }).firstRowAt = performance.now();
          observer.disconnect();
        }
      });
      document.addEventListener('DOMContentLoaded', () => observer.observe(document.body, { childList: true, subtree: true }));
    });
    await page.goto(server.url);
    await page.locator('[data-testid=job-row]').first().waitFor();
    const firstRowMs = await page.evaluate(() => (window as unknown as { firstRowAt: number }).firstRowAt);
    await page.waitForFunction((count) => (document.querySelector('[data-testid=job-list] [role=listbox]')?.scrollHeight ?? 0) > count, 1000);
    const frames = await page.evaluate(
      () =>
        new Promise<number[]>((resolve) => {
          const list = document.querySelector<HTMLElement>('[data-testid=job-list] [role=listbox]')!;
          const deltas: number[] = [];
          let last = performance.now();
          const step = (now: number) => {
            deltas.push(now - last);
            last = now;
            list.scrollTop += 120;
            if (deltas.length < 240) requestAnimationFrame(step);
            else resolve(deltas.slice(1));
          };
          requestAnimationFrame(step);
        }),
    );
    const rowsInDom = await page.locator('[data-testid=job-row]').count();
    console.log(`renderer: first row after ${firstRowMs.toFixed(0)} ms with ${jobCount} jobs; ${rowsInDom} rows in the DOM; scroll frames p50 ${percentile(frames, 0.5).toFixed(1)} ms, p95 ${percentile(frames, 0.95).toFixed(1)} ms`);
    console.log(
      JSON.stringify({
        rendererJobs: jobCount,
        queueFirstRowMs: Math.round(firstRowMs),
        scrollFrameP50Ms: percentile(frames, 0.5),
        scrollFrameP95Ms: percentile(frames, 0.95),
        rowsInDom,
        targets: { queueFirstRowMs: 500, scrollFrameP95Ms: 16 },
      }),
    );
  } finally {
    await browser.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
