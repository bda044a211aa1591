// The renderer in Debian's Chromium against `redub serve`: drop the sample in, watch it progress
// and finish, play the side-by-side preview, cancel and retry a second job, and read a rejected
// input's sentence. Screenshots of failures go to test/e2e/__screenshots__.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissingReason, launchChromium, screenshotOnFailure, startServer, type RunningServer } from '../helpers/browser.js';
import { runFfprobeJson } from '../../src-main/core/media/run-ffmpeg.js';
import { bundledSample } from '../helpers/cli.js';
import { generateSpokenVideo, sampleLines } from '../fixtures/spoken-video.js';

interface DropFile {
  name: string;
  base64: string;
  type: string;
}

function dropFile(file: string, name = path.basename(file), type = 'application/octet-stream'): DropFile {
  return { name, type, base64: readFileSync(file).toString('base64') };
}

/** Drops files onto the drop zone as a person dragging them from a file manager would. */
async function dropFiles(page: Page, files: DropFile[]): Promise<void> {
  await page.getByTestId('drop-zone').evaluate((zone, list) => {
    const transfer = new DataTransfer();
    for (const item of list) {
      const bytes = Uint8Array.from(atob(item.base64), (character) => character.charCodeAt(0));
      transfer.items.add(new File([bytes], item.name, { type: item.type }));
    }
    zone.dispatchEvent(new DragEvent('dragenter', { bubbles: true, dataTransfer: transfer }));
    zone.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: transfer }));
  }, files);
}

/** Records every state and progress value the queue rows show, from now on. */
async function watchRows(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen = { states: [] as string[], progress: [] as number[] };
    (window as unknown as { seen: typeof seen }).seen = seen;
    const record = () => {
      for (const row of document.querySelectorAll('[data-testid=job-row]')) {
        const state = row.querySelector('[data-testid=job-state]')?.getAttribute('data-state');
        if (state && seen.states.at(-1) !== state) seen.states.push(state);
        const value = Number(row.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow'));
        if (Number.isFinite(value) && seen.progress.at(-1) !== value) seen.progress.push(value);
      }
    };
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
}

const skip = chromiumMissingReason;

describe.skipIf(skip)(`the renderer in Chromium${skip ? ` (skipped: ${skip})` : ''}`, { timeout: 240_000 }, () => {
  let dataDir: string;
  let server: RunningServer;
  let browser: Browser;
  let page: Page | undefined;
  let longVideo: { video: string; sourceSubtitles: string; targetSubtitles: string };

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'redub-e2e-'));
    const generated = await generateSpokenVideo({ dir: path.join(dataDir, 'fixtures'), name: 'long', lines: sampleLines, minimumDurationMs: 90_000, numberLines: true });
    longVideo = { video: generated.video, sourceSubtitles: generated.sourceSubtitles, targetSubtitles: generated.targetSubtitles };
    server = await startServer(path.join(dataDir, 'data'));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') await screenshotOnFailure(page, context.task.name);
    await page?.close();
    page = undefined;
  });

  async function open(): Promise<Page> {
    page = await browser.newPage();
    await page.goto(server.url);
    await page.getByTestId('drop-zone').waitFor();
    return page;
  }

  it('dubs a dropped video, showing progress, and plays original and dub side by side', async () => {
    const page = await open();
    await dropFiles(page, [
      dropFile(bundledSample.video, 'sample.mp4', 'video/mp4'),
      dropFile(bundledSample.sourceSubtitles, 'sample.srt'),
      dropFile(bundledSample.targetSubtitles, 'sample.es.srt'),
    ]);
    await expect.poll(() => page.getByTestId('target-languages').inputValue()).toContain('es');
    await watchRows(page);
    await page.getByTestId('create-jobs').click();

    const row = page.getByTestId('job-row').first();
    await row.waitFor();
    await page.locator('[data-testid=job-row] [data-testid=job-state][data-state=done]').first().waitFor({ timeout: 60_000 });
    const seen = await page.evaluate(() => (window as unknown as { seen: { states: string[]; progress: number[] } }).seen);
    expect(seen.states).toContain('running');
    expect(seen.progress.some((value) => value > 0 && value < 100)).toBe(true);
    expect(seen.states.at(-1)).toBe('done');

    await row.click();
    await page.getByTestId('job-tab-preview').click();
    const original = page.getByTestId('preview-original');
    const dub = page.getByTestId('preview-dub');
    await original.waitFor();
    await dub.waitFor();
    await page.getByTestId('preview-play').click();
    await expect.poll(() => original.evaluate((video: HTMLVideoElement) => video.currentTime), { timeout: 15_000 }).toBeGreaterThan(1);
    const times = await page.evaluate(() => {
      const [left, right] = ['preview-original', 'preview-dub'].map((id) => document.querySelector<HTMLVideoElement>(`[data-testid=${id}]`)!);
      return { original: left!.currentTime, dub: right!.currentTime, dubPaused: right!.paused };
    });
    expect(times.dubPaused).toBe(false);
    expect(Math.abs(times.original - times.dub)).toBeLessThan(0.3);
    const heardBefore = await page.getByTestId('preview-ab').getAttribute('data-heard');
    await page.getByTestId('preview-ab').click();
    expect(await page.getByTestId('preview-ab').getAttribute('data-heard')).not.toBe(heardBefore);
  });

  it('takes a subtitle encoding and "show subtitles" from the form, and shows the lines it skipped on the job page', async () => {
    const page = await open();
    // A Windows-1252 translation with one broken timing line: read as named, the broken cue named.
    const translation = readFileSync(bundledSample.targetSubtitles, 'utf8').replace('Cada frase', '“Cada” frase').replace('00:00:10,800 --> 00:00:13,379', '00:00:10,800 --> 00::00:13,379');
    await dropFiles(page, [
      dropFile(bundledSample.video, 'sample.mp4', 'video/mp4'),
      dropFile(bundledSample.sourceSubtitles, 'sample.srt'),
      { name: 'sample.es.srt', type: 'application/x-subrip', base64: iconv.encode(translation, 'windows-1252').toString('base64') },
    ]);
    await expect.poll(() => page.getByTestId('target-languages').inputValue()).toContain('es');
    await page.getByTestId('subtitles-encoding').fill('windows-1252');
    await page.getByTestId('subtitles-shown').check();
    const before = await page.locator('[data-testid=job-row]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-job-id')));
    await page.getByTestId('create-jobs').click();
    // The new row: the earlier tests' jobs are in the same queue.
    const row = page.locator(`[data-testid=job-row]${before.map((id) => `:not([data-job-id="${id}"])`).join('')}`).first();
    await row.locator('[data-testid=job-state][data-state=done]').waitFor({ timeout: 60_000 });
    await row.click();
    const warnings = page.getByTestId('job-warnings');
    await warnings.waitFor();
    expect(await warnings.textContent()).toContain('Line 14: Skipped a cue: cannot read the timing line "00:00:10,800 --> 00::00:13,379"');
    const jobId = await row.getAttribute('data-job-id');
    const details = (await (await fetch(new URL(`/api/v1/jobs/${jobId}`, server.url), { headers: { authorization: `Bearer ${server.token}` } })).json()) as { cues: { targetText: string }[]; outputs: { video: string } };
    expect(details.cues.map((cue) => cue.targetText)).toContain('“Cada” frase se dice otra vez en el nuevo idioma.');
    const probed = (await runFfprobeJson(['-v', 'error', '-show_streams', '-of', 'json', details.outputs.video])) as { streams: { codec_type: string; disposition?: { default?: number } }[] };
    expect(probed.streams.find((stream) => stream.codec_type === 'subtitle')?.disposition?.default).toBe(1);
  });

  it('cancels a running job and retries it', async () => {
    const page = await open();
    const response = await fetch(new URL('/api/v1/jobs', server.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ input: longVideo.video, to: ['es'], subtitles: longVideo.sourceSubtitles, translations: { es: longVideo.targetSubtitles } }),
    });
    expect(response.status).toBe(201);
    const { jobs } = (await response.json()) as { jobs: { id: string }[] };
    const row = page.locator(`[data-testid=job-row][data-job-id="${jobs[0]!.id}"]`);
    await row.locator('[data-testid=job-state][data-state=running]').waitFor({ timeout: 30_000 });
    await row.click();
    await page.getByTestId('job-cancel').click();
    await row.locator('[data-testid=job-state][data-state=cancelled]').waitFor({ timeout: 10_000 });
    await page.getByTestId('job-retry').click();
    await row.locator('[data-testid=job-state]:is([data-state=queued],[data-state=running],[data-state=done])').waitFor({ timeout: 10_000 });
    await row.locator('[data-testid=job-state][data-state=done]').waitFor({ timeout: 120_000 });
  });

  it("shows a rejected input's sentence and what to do", async () => {
    const page = await open();
    await page.getByTestId('target-languages').fill('es');
    await dropFiles(page, [
      { name: 'notes.mp4', type: 'video/mp4', base64: Buffer.from('These are meeting notes, not a video.\n').toString('base64') },
      dropFile(bundledSample.targetSubtitles, 'notes.es.srt'),
    ]);
    await page.getByTestId('create-jobs').click();
    const error = page.getByTestId('create-jobs-error');
    await error.waitFor();
    const text = await error.textContent();
    expect(text).toContain('not a video or audio file');
    expect(text).toContain('E_NOT_MEDIA');
  });
});
