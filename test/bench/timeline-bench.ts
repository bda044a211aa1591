// Timeline figures, in Chromium against `redub serve`, on dubs made here of the generated videos:
// - the hour (at least 700 cues): opening the timeline from the job until its cue blocks and both
//   waveforms are drawn; frame times while scrolling and while zooming; the renderer's memory; and
//   the peaks' computation for the hour as a ratio to one ffmpeg decode of its audio;
// - the 10 minutes: from committing one edited line in the editor (Enter) until the player can
//   play the new mix at that line.
// Targets: open ≤ 500 ms, frame p95 ≤ 16 ms, peaks ≤ 1.2 × a decode, edit → playable ≤ 1 s.
// REDUB_BENCH_TIMELINE_SECONDS shortens the long video (e.g. 600 for a quick look).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { JobDetails } from '../../src-main/shared/jobs.js';
import { runFfmpeg } from '../../src-main/core/media/run-ffmpeg.js';
import { percentile } from './percentile.js';
import { chromiumMissingReason, launchChromium, startServer, type RunningServer } from '../helpers/browser.js';
import { benchVideo } from './bench-fixture.js';

const longSeconds = Number(process.env.REDUB_BENCH_TIMELINE_SECONDS ?? 3600);
const editSeconds = 600;
/** Pauses of 300 ms between the hour's lines: about 730 cues (the issue asks for at least 700). */
const longGapMs = 300;

function client(server: RunningServer) {
  const origin = new URL(server.url).origin;
  return async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${origin}/api/v1${route}`, {
      method,
      headers: { Authorization: `Bearer ${server.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
}

async function dubbed(api: ReturnType<typeof client>, seconds: number, outDir: string, gapMs?: number): Promise<JobDetails> {
  const video = await benchVideo(seconds, gapMs);
  const created = await api<{ jobs: { id: string }[] }>('POST', '/jobs', { input: video.video, to: ['es'], subtitles: video.sourceSubtitles, translations: { es: video.targetSubtitles }, outDir });
  const id = created.jobs[0]!.id;
  for (;;) {
    const job = await api<JobDetails>('GET', `/jobs/${id}`);
    if (job.state === 'done') return job;
    if (job.state === 'failed' || job.state === 'cancelled') throw new Error(`The bench dub ended ${job.state}: ${JSON.stringify(job.error)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Milliseconds from clicking "Open the timeline" on the job's page until cues and both waveforms are drawn. */
async function openTimeline(page: Page, url: string, jobId: string): Promise<number> {
  await page.goto(`${url}#/jobs/${jobId}`);
  await page.getByTestId('job-open-timeline').waitFor();
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const start = performance.now();
        document.querySelector<HTMLElement>('[data-testid=job-open-timeline]')!.click();
        const drawn = () => document.querySelector('[data-testid=cue-dub]') && document.querySelectorAll('canvas.timeline-wave[data-drawn=true]').length >= 2;
        const check = () => (drawn() ? resolve(performance.now() - start) : requestAnimationFrame(check));
        requestAnimationFrame(check);
      }),
  );
}

/** Frame intervals while `step` runs once a frame (scrolling the lanes, or zooming). */
function frames(page: Page, action: 'scroll' | 'zoom', count: number): Promise<number[]> {
  return page.evaluate(
    ({ action, count }) =>
      new Promise<number[]>((resolve) => {
        const lanes = document.querySelector<HTMLElement>('[data-testid=timeline-lanes]')!;
        const deltas: number[] = [];
        let last = performance.now();
        const tick = (now: number) => {
          deltas.push(now - last);
          last = now;
          if (action === 'scroll') lanes.scrollLeft += 240;
          else window.dispatchEvent(new KeyboardEvent('keydown', { key: Math.floor(deltas.length / 8) % 2 === 0 ? '+' : '-', bubbles: true }));
          if (deltas.length < count) requestAnimationFrame(tick);
          else resolve(deltas.slice(1));
        };
        requestAnimationFrame(tick);
      }),
    { action, count },
  );
}

/** From Enter in the Translation field until the mix element has the new render loaded at that line. */
async function editToPlayable(page: Page, url: string, jobId: string, cueNumber: number): Promise<{ ms: number; newMixMs: number; cuesSynthesized: number }> {
  await page.goto(`${url}#/jobs/${jobId}/timeline`);
  await page.getByRole('option', { name: new RegExp(`^Cue ${cueNumber},`) }).click();
  await page.locator('[data-testid=timeline-mix]').waitFor({ state: 'attached' });
  const translation = page.getByRole('textbox', { name: 'Translation' });
  await translation.fill(`La línea ${cueNumber}, cambiada en la línea de tiempo para medir cuánto tarda en oírse.`);
  const { ms, newMixMs } = await page.evaluate(
    () =>
      new Promise<{ ms: number; newMixMs: number }>((resolve) => {
        const mix = () => document.querySelector<HTMLAudioElement>('[data-testid=timeline-mix]')!;
        const before = mix().dataset.version;
        const field = document.querySelector<HTMLTextAreaElement>('[data-testid=cue-translation]')!;
        const start = performance.now();
        field.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
        let newMixMs = Number.NaN;
        const check = () => {
          const audio = mix();
          const renewed = audio.dataset.version !== before;
          if (renewed && Number.isNaN(newMixMs)) newMixMs = performance.now() - start;
          if (renewed && audio.readyState >= HTMLMediaElement.HAVE_FUTURE_DATA && !audio.seeking) resolve({ ms: performance.now() - start, newMixMs });
          else requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      }),
  );
  return { ms, newMixMs, cuesSynthesized: 0 };
}

if (chromiumMissingReason) {
  console.log(`timeline bench skipped: ${chromiumMissingReason}`);
} else {
  const root = mkdtempSync(path.join(tmpdir(), 'redub-timeline-bench-'));
  const server = await startServer(path.join(root, 'data'));
  const api = client(server);
  const browser = await launchChromium({ unthrottled: true });
  try {
    const long = await dubbed(api, longSeconds, path.join(root, 'out-long'), longGapMs);
    const longVideo = await benchVideo(longSeconds, longGapMs);
    const decodeStart = performance.now();
    await runFfmpeg(['-v', 'error', '-i', longVideo.video, '-map', '0:a:0', '-f', 'null', '-']);
    const decodeMs = performance.now() - decodeStart;
    const peaksMs = long.stages.find((stage) => stage.name === 'waveform')?.ms ?? Number.NaN;

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const openMs = await openTimeline(page, server.url, long.id);
    const reopenMs = await openTimeline(page, server.url, long.id);
    const cueBlocks = await page.getByTestId('cue-dub').count();
    // Zoomed in twelve steps (half a minute across the screen for the hour), as an editor works.
    for (let step = 0; step < 12; step++) await page.keyboard.press('+');
    const pixelsPerSecond = Number(await page.getByTestId('timeline-lanes').getAttribute('data-pixels-per-second'));
    const scrolling = await frames(page, 'scroll', 240);
    const zooming = await frames(page, 'zoom', 160);
    const metrics = Object.fromEntries(((await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }).metrics.map((metric) => [metric.name, metric.value]));
    const cuesInLongJob = long.cues.length;

    const short = await dubbed(api, editSeconds, path.join(root, 'out-short'));
    const edit = await editToPlayable(page, server.url, short.id, 7);
    let editStageMs: Record<string, number | null> = {};
    for (;;) {
      const job = await api<JobDetails>('GET', `/jobs/${short.id}`);
      if (job.state === 'done') {
        edit.cuesSynthesized = job.cuesSynthesized;
        editStageMs = Object.fromEntries(job.stages.filter((stage) => !stage.reused && stage.ms !== null).map((stage) => [stage.name, stage.ms]));
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    const figures = {
      timelineMediaSeconds: longSeconds,
      timelineCues: cuesInLongJob,
      timelineOpenMs: Math.round(openMs),
      timelineReopenMs: Math.round(reopenMs),
      cueBlocksInDom: cueBlocks,
      scrollPixelsPerSecond: pixelsPerSecond,
      scrollFrameP50Ms: percentile(scrolling, 0.5),
      scrollFrameP95Ms: percentile(scrolling, 0.95),
      zoomFrameP50Ms: percentile(zooming, 0.5),
      zoomFrameP95Ms: percentile(zooming, 0.95),
      rendererHeapMb: Number(((metrics.JSHeapUsedSize ?? Number.NaN) / 2 ** 20).toFixed(1)),
      rendererElements: await page.evaluate(() => document.querySelectorAll('*').length),
      peaksSeconds: Number((peaksMs / 1000).toFixed(3)),
      audioDecodeSeconds: Number((decodeMs / 1000).toFixed(3)),
      peaksOverDecodeRatio: Number((peaksMs / decodeMs).toFixed(3)),
      editToPlayableMs: Math.round(edit.ms),
      editToNewMixMs: Math.round(edit.newMixMs),
      editCuesSynthesized: edit.cuesSynthesized,
      editStageMs,
      targets: { timelineOpenMs: 500, scrollFrameP95Ms: 16, zoomFrameP95Ms: 16, peaksOverDecodeRatio: 1.2, editToPlayableMs: 1000 },
    };
    console.log(`timeline: ${cuesInLongJob} cues over ${longSeconds} s drawn ${figures.timelineOpenMs} ms after opening (${cueBlocks} blocks in the DOM); scroll p95 ${figures.scrollFrameP95Ms} ms, zoom p95 ${figures.zoomFrameP95Ms} ms; heap ${figures.rendererHeapMb} MB; peaks ${figures.peaksOverDecodeRatio}× one decode; edit → playable ${figures.editToPlayableMs} ms (${edit.cuesSynthesized} cue synthesized)`);
    console.log(JSON.stringify(figures));
  } finally {
    await browser.close();
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  }
}
