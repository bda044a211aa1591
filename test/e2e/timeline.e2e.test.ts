// The timeline in Debian's Chromium against `redub serve`, as an editor uses it: open a dubbed
// job's timeline, see its cue blocks, zoom, select cue 2 and change its translation, see it stale
// then fresh, with exactly one cue synthesized and the stem changed in that cue's slot only; drag
// an edge (it snaps to the neighbour), split and merge, undo back to the original text, and see
// the message when an API client edits the same job; a committed line rendering by itself into the
// player's mix. Then an accessibility audit of every view.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CuesView } from '../../src-main/shared/cues.js';
import type { JobDetails } from '../../src-main/shared/jobs.js';
import { readWav } from '../../src-main/core/media/wav.js';
import { seriousViolations } from '../helpers/accessibility.js';
import { callApi, chromiumMissingReason, launchChromium, screenshotOnFailure, startServer, type RunningServer } from '../helpers/browser.js';
import { bundledSample } from '../helpers/cli.js';

const skip = chromiumMissingReason;

describe.skipIf(skip)(`the timeline in Chromium${skip ? ` (skipped: ${skip})` : ''}`, { timeout: 300_000 }, () => {
  let root: string;
  let server: RunningServer;
  let browser: Browser;
  let page: Page | undefined;
  let jobId: string;

  const api = <T>(method: string, route: string, body?: unknown): Promise<T> => callApi<T>(server, method, route, body);
  const job = () => api<JobDetails>('GET', `/jobs/${jobId}`);
  const cues = () => api<CuesView>('GET', `/jobs/${jobId}/cues`);
  async function settled(): Promise<JobDetails> {
    for (const deadline = Date.now() + 120_000; ; ) {
      const current = await job();
      if (current.state === 'done' || current.state === 'failed') return current;
      if (Date.now() > deadline) throw new Error(`still ${current.state}`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
  const timelineUrl = () => `${server.url}#/jobs/${jobId}/timeline`;

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'redub-timeline-'));
    server = await startServer(path.join(root, 'data'));
    browser = await launchChromium();
    const created = await api<{ jobs: { id: string }[] }>('POST', '/jobs', {
      input: bundledSample.video, to: ['es'], subtitles: bundledSample.sourceSubtitles, translations: { es: bundledSample.targetSubtitles }, outDir: path.join(root, 'out'),
    });
    jobId = created.jobs[0]!.id;
    expect((await settled()).state).toBe('done');
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') await screenshotOnFailure(page, context.task.name);
    await page?.close();
    page = undefined;
  });

  async function openTimeline(): Promise<Page> {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(timelineUrl());
    await page.getByRole('region', { name: 'Timeline' }).waitFor();
    await page.getByTestId('cue-dub').first().waitFor();
    return page;
  }

  it('shows every cue, zooms in and out, and edits cue 2 so only it is synthesized again', async () => {
    const before = await cues();
    const stemBefore = readWav((await job()).outputs.dubStem!).channels[0]!;
    const timeline = await openTimeline();
    expect(await timeline.getByTestId('cue-dub').count()).toBe(before.cues.length);
    const lanes = timeline.getByTestId('timeline-lanes');
    const zoomOf = async () => Number(await lanes.getAttribute('data-pixels-per-second'));
    const whole = await zoomOf();
    await timeline.getByTestId('timeline-zoom-in').click();
    await timeline.getByTestId('timeline-zoom-in').click();
    expect(await zoomOf()).toBeGreaterThan(whole * 2);
    await timeline.getByTestId('timeline-zoom-out').click();
    await timeline.getByTestId('timeline-zoom-out').click();
    expect(await zoomOf()).toBeCloseTo(whole, 3);

    // Rendering on demand: the committed line stays stale until Render is pressed.
    await timeline.getByTestId('timeline-auto-render').uncheck();
    await timeline.getByRole('option', { name: /^Cue 2,/ }).click();
    const translation = timeline.getByRole('textbox', { name: 'Translation' });
    await translation.fill('Esta línea la cambió una persona en la línea de tiempo.');
    await translation.press('Enter');
    await timeline.locator('[data-testid=cue-dub][data-index="1"][data-stale="true"]').waitFor();
    expect(await timeline.getByRole('option', { name: /^Cue 2,.*not rendered yet/ }).count()).toBe(1);
    await timeline.getByTestId('timeline-render').click();
    await timeline.locator('[data-testid=cue-dub][data-index="1"][data-stale="false"]').waitFor({ timeout: 60_000 });
    const rendered = await settled();
    expect(rendered.cuesSynthesized).toBe(1);
    const after = await cues();
    expect(after.cues[1]!.targetText).toBe('Esta línea la cambió una persona en la línea de tiempo.');
    const stemAfter = readWav(rendered.outputs.dubStem!).channels[0]!;
    const rate = 48_000;
    const from = Math.floor(((before.cues[1]!.startMs - 500) * rate) / 1000);
    const to = Math.ceil(((Math.max(before.cues[1]!.endMs, after.cues[1]!.placedEndMs ?? 0) + 500) * rate) / 1000);
    let outside = 0;
    let inside = 0;
    for (let index = 0; index < Math.max(stemBefore.length, stemAfter.length); index++) {
      if (Math.abs((stemBefore[index] ?? 0) - (stemAfter[index] ?? 0)) < 1e-3) continue;
      if (index >= from && index < to) inside++;
      else outside++;
    }
    expect(inside).toBeGreaterThan(0);
    expect(outside).toBe(0);
  });

  it('drags an edge onto its neighbour, splits and merges, undoes back to the original, and shows an API client’s edit', async () => {
    const original = await cues();
    const timeline = await openTimeline();
    await timeline.getByTestId('timeline-auto-render').uncheck();

    // Cue 1's end dragged to just short of cue 2's start: it snaps onto it.
    const first = timeline.locator('[data-testid=cue-dub][data-index="0"]');
    const second = timeline.locator('[data-testid=cue-dub][data-index="1"]');
    const edge = first.getByTestId('cue-edge-end');
    const edgeBox = (await edge.boundingBox())!;
    const secondBox = (await second.boundingBox())!;
    await timeline.mouse.move(edgeBox.x + edgeBox.width / 2, edgeBox.y + edgeBox.height / 2);
    await timeline.mouse.down();
    await timeline.mouse.move(secondBox.x - 3, edgeBox.y + edgeBox.height / 2, { steps: 5 });
    await timeline.mouse.up();
    await expect.poll(async () => (await cues()).cues[0]!.endMs).toBe(original.cues[1]!.startMs);

    // Split cue 3 at its middle (the playhead goes there when the ruler is clicked), then merge it back.
    const third = original.cues[2]!;
    await timeline.getByRole('option', { name: /^Cue 3,/ }).click();
    const ruler = (await timeline.getByTestId('timeline-ruler').boundingBox())!;
    const thirdBox = (await timeline.locator('[data-testid=cue-dub][data-index="2"]').boundingBox())!;
    await timeline.mouse.click(thirdBox.x + thirdBox.width / 2, ruler.y + ruler.height / 2);
    await timeline.getByTestId('cue-split').click();
    await expect.poll(async () => (await cues()).cues.length).toBe(original.cues.length + 1);
    await timeline.getByRole('option', { name: /^Cue 3,/ }).click();
    await timeline.getByTestId('cue-merge').click();
    await expect.poll(async () => (await cues()).cues.length).toBe(original.cues.length);
    expect((await cues()).cues[2]).toMatchObject({ startMs: third.startMs, endMs: third.endMs });

    // Undo everything this window did (Ctrl+Z away from any text field): the texts are the first render's again.
    await timeline.getByRole('option', { name: /^Cue 1,/ }).focus();
    for (let step = 0; step < 3; step++) {
      await timeline.keyboard.press('Control+z');
      await expect.poll(async () => (await cues()).revision).toBe(original.revision + 3 + step + 1);
    }
    const undone = await cues();
    expect(undone.cues.map((cue) => [cue.startMs, cue.endMs, cue.targetText])).toEqual(original.cues.map((cue) => [cue.startMs, cue.endMs, cue.targetText]));

    // Someone else edits the job through the API: this window says so and shows their change.
    await api('PATCH', `/jobs/${jobId}/cues`, { revision: undone.revision, edits: [{ op: 'update', index: 0, targetText: 'Cambiado desde un script.' }] });
    await timeline.getByTestId('timeline-conflict').waitFor();
    expect(await timeline.getByTestId('timeline-conflict').textContent()).toMatch(/changed elsewhere/);
    await timeline.getByRole('option', { name: /^Cue 1,.*Cambiado desde un script\./ }).waitFor();
  });

  it('renders a committed line by itself and loads the new mix into the player', async () => {
    // The script's edit in the test before was never rendered: it is synthesized along with this one.
    const staleBefore = (await cues()).cues.filter((cue) => cue.stale).length;
    const timeline = await openTimeline();
    const mix = timeline.getByTestId('timeline-mix');
    await mix.waitFor({ state: 'attached' });
    const before = await mix.getAttribute('data-version');
    await timeline.getByRole('option', { name: /^Cue 4,/ }).click();
    const translation = timeline.getByRole('textbox', { name: 'Translation' });
    await translation.fill('Y esta la cambió otra vez, para oírla enseguida.');
    await translation.press('Enter');
    await expect.poll(() => mix.getAttribute('data-version'), { timeout: 60_000 }).not.toBe(before);
    await timeline.locator('[data-testid=cue-dub][data-index="3"][data-stale="false"]').waitFor({ timeout: 60_000 });
    const rendered = await settled();
    expect(rendered.cuesSynthesized).toBe(staleBefore + 1);
    expect((await cues()).cues.filter((cue) => cue.stale)).toEqual([]);
    expect((await cues()).cues[3]!.targetText).toBe('Y esta la cambió otra vez, para oírla enseguida.');

    // One playhead per job: the side-by-side preview opens where the timeline left it (cue 4's start).
    await timeline.getByTestId('timeline-close').click();
    await timeline.getByTestId('job-tab-preview').click();
    const original = timeline.getByTestId('preview-original');
    await expect.poll(() => original.evaluate((video: HTMLVideoElement) => Math.round(video.currentTime * 1000))).toBeGreaterThan(0);
    expect(Math.abs((await original.evaluate((video: HTMLVideoElement) => video.currentTime * 1000)) - (await cues()).cues[3]!.startMs)).toBeLessThan(100);
  });

  it('passes an accessibility audit (WCAG 2.1 A/AA, nothing serious or critical) on every view', async () => {
    // The audit script is injected inline, which the app's own CSP rightly refuses.
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const views: [string, string, () => Promise<void>][] = [
      ['queue', `${server.url}#/queue`, async () => void (await page!.getByTestId('job-row').first().waitFor())],
      ['job detail', `${server.url}#/jobs/${jobId}`, async () => void (await page!.getByTestId('job-detail').waitFor())],
      ['preview', `${server.url}#/jobs/${jobId}`, async () => {
        await page!.getByTestId('job-detail').waitFor();
        await page!.getByTestId('job-tab-preview').click();
        await page!.getByTestId('preview').waitFor();
      }],
      ['models', `${server.url}#/models`, async () => void (await page!.getByRole('heading', { level: 1 }).first().waitFor())],
      ['settings', `${server.url}#/settings`, async () => void (await page!.getByRole('heading', { level: 1 }).first().waitFor())],
      ['timeline', timelineUrl(), async () => {
        await page!.getByTestId('cue-dub').first().waitFor();
        await page!.getByRole('option', { name: /^Cue 1,/ }).click();
        await page!.getByTestId('cue-editor').waitFor();
      }],
    ];
    for (const theme of ['light', 'dark']) {
      for (const [name, url, ready] of views) {
        await page.goto(url);
        await page.evaluate((value) => document.documentElement.setAttribute('data-theme', value), theme);
        await ready();
        expect(await seriousViolations(page), `${name} (${theme})`).toEqual([]);
      }
    }
  });
});
