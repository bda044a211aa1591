// The timeline's lip-sync lane in Debian's Chromium against `redub serve`, as an editor uses it:
// a dubbed job with an added audio file; draw a segment by dragging across the lane (it lands on
// frames), move it and its edges with the keys, open its editor, give it the added file (whose
// waveform the page decodes), drag an edge and see the length rule broken while the drag is still
// under way, mend it with fit and with the helpers, hit the job's segment limit, delete, and apply
// (the core then has exactly the lane's segments). Then a refusal by the core, named under its
// segment and rule, and an accessibility audit of the lane with an editor open.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CuesView } from '../../src-main/shared/cues.js';
import type { JobDetails } from '../../src-main/shared/jobs.js';
import type { LipSyncSegment } from '../../src-main/shared/lipsync.js';
import { lipSyncPacks } from '../../src-main/core/engines/lipsync/lipsync-packs.js';
import { writeWav } from '../../src-main/core/media/wav.js';
import { writeTinyWav2Lip } from '../fixtures/onnx/tiny-wav2lip.js';
import { writeTinyYunet } from '../fixtures/onnx/tiny-yunet.js';
import { seriousViolations } from '../helpers/accessibility.js';
import { callApi, chromiumMissingReason, launchChromium, screenshotOnFailure, startServer, type RunningServer } from '../helpers/browser.js';
import { bundledSample, runRedub } from '../helpers/cli.js';

const skip = chromiumMissingReason;

describe.skipIf(skip)(`the lip-sync lane in Chromium${skip ? ` (skipped: ${skip})` : ''}`, { timeout: 300_000 }, () => {
  let root: string;
  let server: RunningServer;
  let browser: Browser;
  let page: Page | undefined;
  let jobId: string;
  let fps: number;

  const api = <T>(method: string, route: string, body?: unknown): Promise<T> => callApi<T>(server, method, route, body);
  const job = () => api<JobDetails>('GET', `/jobs/${jobId}`);
  async function settled(): Promise<JobDetails> {
    for (const deadline = Date.now() + 120_000; ; ) {
      const current = await job();
      if (current.state !== 'queued' && current.state !== 'running' && current.state !== 'retry_wait') return current;
      if (Date.now() > deadline) throw new Error(`still ${current.state}`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
  const onFrame = (ms: number) => Math.abs((ms / 1000) * fps - Math.round((ms / 1000) * fps)) < 0.05;

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'redub-lipsync-'));
    // Three seconds of a tone: an added recording for the segments to use.
    const rate = 48_000;
    const tone = new Float32Array(3 * rate).map((_, index) => 0.4 * Math.sin((2 * Math.PI * 220 * index) / rate));
    writeWav(path.join(root, 'voice.wav'), [tone], rate);
    // Segments need the face detector and the lip-sync model: the tiny stand-ins, imported as packs.
    const packs = [
      { ...lipSyncPacks.detector, dir: path.dirname(writeTinyYunet(path.join(root, 'packs', lipSyncPacks.detector.id))) },
      { ...lipSyncPacks.model, dir: path.dirname(writeTinyWav2Lip(path.join(root, 'packs', lipSyncPacks.model.id))) },
    ];
    const catalog = path.join(root, 'catalog.json');
    writeFileSync(catalog, JSON.stringify({ version: 1, packs: packs.map((pack) => {
      const data = readFileSync(path.join(pack.dir, pack.file));
      return { id: pack.id, kind: 'lipsync', name: `Tiny ${pack.engine} (tests)`, languages: ['*'], engine: pack.engine, license: 'MIT', sourceUrl: `https://example.invalid/${pack.id}`, minMemoryMb: 1, files: [{ path: pack.file, url: `https://example.invalid/${pack.id}/${pack.file}`, size: data.length, sha256: createHash('sha256').update(data).digest('hex') }] };
    }) }));
    const env = { REDUB_MODEL_CATALOG: catalog };
    for (const pack of packs) {
      const imported = await runRedub(['models', 'import', pack.id, pack.dir, '--data-dir', path.join(root, 'data'), '--json'], env);
      expect(imported.code, imported.stdout + imported.stderr).toBe(0);
    }
    server = await startServer(path.join(root, 'data'), env);
    browser = await launchChromium();
    const created = await api<{ jobs: { id: string }[] }>('POST', '/jobs', {
      input: bundledSample.video, to: ['es'], subtitles: bundledSample.sourceSubtitles, translations: { es: bundledSample.targetSubtitles }, outDir: path.join(root, 'out'),
      audio: { voice: path.join(root, 'voice.wav') },
    });
    jobId = created.jobs[0]!.id;
    expect((await settled()).state).toBe('done');
    fps = (await api<CuesView>('GET', `/jobs/${jobId}/cues`)).fps;
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

  async function openTimeline(options: { bypassCSP?: boolean } = {}): Promise<Page> {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, ...options });
    await page.goto(`${server.url}#/jobs/${jobId}/timeline`);
    await page.getByRole('region', { name: 'Timeline' }).waitFor();
    await page.getByTestId('lane-lipsync').waitFor();
    return page;
  }

  /** Where a time is on the lip-sync track, in page pixels. */
  async function laneX(timeline: Page, ms: number): Promise<{ x: number; y: number }> {
    const pixelsPerSecond = Number(await timeline.getByTestId('timeline-lanes').getAttribute('data-pixels-per-second'));
    const box = (await timeline.getByTestId('lipsync-track').boundingBox())!;
    return { x: box.x + (ms / 1000) * pixelsPerSecond, y: box.y + box.height / 2 };
  }

  async function draw(timeline: Page, fromMs: number, toMs: number): Promise<void> {
    const from = await laneX(timeline, fromMs);
    const to = await laneX(timeline, toMs);
    await timeline.mouse.move(from.x, from.y);
    await timeline.mouse.down();
    await timeline.mouse.move(to.x, to.y, { steps: 6 });
    await timeline.mouse.up();
  }

  const times = async (timeline: Page, id: string) => {
    const block = timeline.locator(`[data-testid=lipsync-segment][data-segment-id="${id}"]`);
    return { startMs: Number(await block.getAttribute('data-start-ms')), endMs: Number(await block.getAttribute('data-end-ms')) };
  };

  it('draws, moves, edits and checks segments as they are dragged, holds the limit, and applies them', async () => {
    const plan = (await job()).lipsync;
    expect(plan.segments).toEqual([]);
    expect(plan.audio.map((audio) => audio.id)).toEqual(['voice']);
    const timeline = await openTimeline();
    await timeline.getByTestId('timeline-auto-render').uncheck();
    expect(await timeline.getByTestId('lane-lipsync').textContent()).toContain(`(0 of ${plan.maxSegments})`);

    // Drawn from 1 s to 3 s: both ends on frames, within a pixel's worth of where the mouse went.
    await draw(timeline, 1000, 3000);
    const blocks = timeline.getByTestId('lipsync-segment');
    await expect.poll(() => blocks.count()).toBe(1);
    const drawn = await times(timeline, 'lip-1');
    expect(onFrame(drawn.startMs) && onFrame(drawn.endMs)).toBe(true);
    expect(Math.abs(drawn.startMs - 1000)).toBeLessThan(80);
    expect(Math.abs(drawn.endMs - 3000)).toBeLessThan(80);
    await timeline.getByRole('option', { name: /^Lip-sync segment “lip-1”, 0:0\d\.\d{3} to 0:0\d\.\d{3} \(\d\.\d{3} s\), audio: the dub at these times$/ }).waitFor();

    // The block has the focus: Shift+→ moves its end a frame, Alt+→ the whole segment, Ctrl+← its start.
    const frame = 1000 / fps;
    await timeline.keyboard.press('Shift+ArrowRight');
    await expect.poll(async () => (await times(timeline, 'lip-1')).endMs).toBeCloseTo(drawn.endMs + frame, -1);
    await timeline.keyboard.press('Alt+ArrowRight');
    await expect.poll(async () => (await times(timeline, 'lip-1')).startMs).toBeCloseTo(drawn.startMs + frame, -1);
    await timeline.keyboard.press('Control+ArrowLeft');
    await expect.poll(async () => (await times(timeline, 'lip-1')).startMs).toBeCloseTo(drawn.startMs, -1);
    // Ctrl+Z here undoes the lane's edit, not a cue's.
    await timeline.keyboard.press('Control+z');
    await expect.poll(async () => (await times(timeline, 'lip-1')).startMs).toBeCloseTo(drawn.startMs + frame, -1);

    // Enter opens the editor at its first field; Escape closes it and returns to the block.
    await timeline.keyboard.press('Enter');
    await timeline.getByTestId('lipsync-editor').waitFor();
    await expect.poll(() => timeline.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid)).toBe('lipsync-start');
    await timeline.keyboard.press('Escape');
    await timeline.getByTestId('lipsync-editor').waitFor({ state: 'detached' });
    await expect.poll(() => timeline.evaluate(() => document.activeElement?.id)).toBe('lipsync-lip-1');

    // The added file as its audio: the page fetches and decodes it and draws its waveform under the crop handles.
    await timeline.keyboard.press('Enter');
    await timeline.getByTestId('lipsync-audio').selectOption('voice');
    await timeline.locator('[data-testid=lipsync-crop-wave][data-drawn="true"]').waitFor({ timeout: 20_000 });
    expect(await timeline.getByTestId('lipsync-problem').count()).toBe(0);
    const cropEnd = timeline.getByTestId('lipsync-crop-end');
    const cropBefore = Number(await cropEnd.getAttribute('aria-valuenow'));
    await cropEnd.focus();
    await timeline.keyboard.press('ArrowLeft');
    await expect.poll(async () => Number(await cropEnd.getAttribute('aria-valuenow'))).toBeCloseTo(cropBefore - frame, -1);
    // One frame shorter is still within the rule; now match it again for the drag below.
    await timeline.getByTestId('lipsync-match-crop').click();

    // Dragging the end edge with fit off: the rule is broken while the mouse is still down.
    const edge = (await timeline.locator('[data-segment-id="lip-1"] [data-testid=lipsync-edge-end]').boundingBox())!;
    await timeline.mouse.move(edge.x + edge.width / 2, edge.y + edge.height / 2);
    await timeline.mouse.down();
    const target = await laneX(timeline, (await times(timeline, 'lip-1')).endMs - 600);
    await timeline.mouse.move(target.x, edge.y + edge.height / 2, { steps: 5 });
    await timeline.locator('[data-testid=lipsync-segment][data-segment-id="lip-1"][data-invalid="true"]').waitFor();
    expect(await timeline.locator('[data-testid=lipsync-problem][data-rule="length-matches-audio"][data-segment-id="lip-1"]').textContent()).toMatch(/^Segment "lip-1" lasts \d+ ms but its audio lasts \d+ ms.*\(rule: length matches the audio\)$/);
    await timeline.mouse.up();
    await timeline.getByRole('option', { name: /^Lip-sync segment “lip-1”.*breaks the rule “length matches the audio”$/ }).waitFor();
    expect(await timeline.getByTestId('lipsync-apply').isDisabled()).toBe(true);

    // Fit mends it; so does either helper with fit off.
    await timeline.getByTestId('lipsync-fit').check();
    await expect.poll(() => timeline.getByTestId('lipsync-problem').count()).toBe(0);
    await timeline.getByTestId('lipsync-fit').uncheck();
    await expect.poll(() => timeline.getByTestId('lipsync-problem').count()).toBe(1);
    await timeline.getByTestId('lipsync-match-end').click();
    await expect.poll(() => timeline.getByTestId('lipsync-problem').count()).toBe(0);
    const matched = await times(timeline, 'lip-1');
    expect(onFrame(matched.endMs)).toBe(true);
    await timeline.getByTestId('lipsync-close').click();

    // Up to the limit, one segment a second apart; one more is refused, and the lane says why.
    const room = plan.maxSegments - 1;
    for (let index = 0; index < room; index++) await draw(timeline, 5000 + index * 1500, 5800 + index * 1500);
    await expect.poll(() => blocks.count()).toBe(plan.maxSegments);
    await draw(timeline, 5000 + room * 1500, 5800 + room * 1500);
    await timeline.getByTestId('lipsync-notice').waitFor();
    expect(await timeline.getByTestId('lipsync-notice').textContent()).toBe(`This job allows at most ${plan.maxSegments} lip-sync segment${plan.maxSegments === 1 ? '' : 's'}; delete one before drawing another.`);
    expect(await blocks.count()).toBe(plan.maxSegments);
    expect(await timeline.getByTestId('lipsync-add').isDisabled()).toBe(true);

    // Delete removes the focused segment; End then ← reach the others.
    await timeline.locator(`#lipsync-lip-${plan.maxSegments}`).focus();
    await timeline.keyboard.press('Delete');
    await expect.poll(() => blocks.count()).toBe(plan.maxSegments - 1);

    // Applied: the core has exactly the lane's segments, and the job renders again.
    const shown = await blocks.evaluateAll((elements) => elements.map((element) => ({ id: (element as HTMLElement).dataset.segmentId, startMs: Number((element as HTMLElement).dataset.startMs), endMs: Number((element as HTMLElement).dataset.endMs) })));
    await timeline.getByTestId('lipsync-apply').click();
    await expect.poll(async () => (await job()).lipsync.segments.map(({ id, startMs, endMs }) => ({ id, startMs, endMs })), { timeout: 15_000 }).toEqual(shown);
    const saved = (await job()).lipsync.segments.find((segment) => segment.id === 'lip-1')!;
    expect(saved).toMatchObject({ audio: { refId: 'voice' } });
    expect(saved.fit ?? false).toBe(false);
    await expect.poll(() => timeline.getByTestId('lipsync-status').textContent(), { timeout: 15_000 }).toMatch(/as the job has them$/);
    const rendered = await settled();
    expect(rendered.state, JSON.stringify(rendered.error)).toBe('done');
  });

  it('names the segment and the rule when the core refuses the plan', async () => {
    const timeline = await openTimeline();
    const before = (await job()).lipsync;
    await timeline.getByTestId('lipsync-segment').first().waitFor();
    // The limit is lowered after the page read the plan: only the core knows, and says so.
    await api('PATCH', '/settings', { maxLipSyncSegments: 1 });
    try {
      const last = before.segments.at(-1)!;
      await draw(timeline, last.endMs + 500, last.endMs + 1300);
      await expect.poll(() => timeline.getByTestId('lipsync-segment').count()).toBe(before.segments.length + 1);
      await timeline.getByTestId('lipsync-apply').click();
      await timeline.getByTestId('lipsync-error').waitFor();
      const refused = timeline.locator('[data-testid=lipsync-refused] li[data-rule="segment-limit"]');
      await refused.waitFor();
      expect(await refused.textContent()).toMatch(/At most 1 lip-sync segment.*\(rule: segment limit\)$/);
      expect((await job()).lipsync.segments).toEqual(before.segments as LipSyncSegment[]);
    } finally {
      await api('PATCH', '/settings', { maxLipSyncSegments: before.maxSegments });
    }
  });

  it('passes an accessibility audit (WCAG 2.1 A/AA, nothing serious or critical) with segments and an editor open', async () => {
    // The audit script is injected inline, which the app's own CSP rightly refuses.
    const timeline = await openTimeline({ bypassCSP: true });
    await timeline.getByTestId('lipsync-segment').first().waitFor();
    await timeline.getByTestId('lipsync-segment').first().dblclick();
    await timeline.getByTestId('lipsync-editor').waitFor();
    for (const theme of ['light', 'dark']) {
      await timeline.evaluate((value) => document.documentElement.setAttribute('data-theme', value), theme);
      expect(await seriousViolations(timeline), theme).toEqual([]);
    }
  });
});
