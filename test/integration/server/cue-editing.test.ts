// Editing a dubbed job's cues through the local API, as the timeline and scripts do: the cues with
// their edit state, a batch of edits against a revision (a stale one refused with 409), a render
// that synthesizes only the changed cue and changes the dub stem in that cue's slot only, edits
// that survive a re-run and a restart, and the waveform peaks the timeline draws.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CuesView } from '../../../src-main/shared/cues.js';
import type { JobDetails } from '../../../src-main/shared/jobs.js';
import { readWav } from '../../../src-main/core/media/wav.js';
import { bundledSample } from '../../helpers/cli.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { expectApiError, send, startHarness, type Harness } from './server-harness.js';

describe('cue editing through the API', { timeout: 180_000 }, () => {
  const temporary = useTemporaryDirectory('redub-cues-');
  let harness: Harness | null = null;
  afterEach(async () => {
    await harness?.close();
    harness = null;
  });

  async function call<T>(h: Harness, method: string, route: string, body?: unknown): Promise<{ status: number; json: T; text: string }> {
    const reply = await send(h.port, {
      method, path: `/api/v1${route}`,
      headers: { ...h.auth, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: reply.status, json: reply.text ? reply.json<T>() : (undefined as T), text: reply.text };
  }

  async function settled(h: Harness, id: string): Promise<JobDetails> {
    for (const deadline = Date.now() + 120_000; ; ) {
      const job = (await call<JobDetails>(h, 'GET', `/jobs/${id}`)).json;
      if (job.state === 'done' || job.state === 'failed') return job;
      if (Date.now() > deadline) throw new Error(`job still ${job.state}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function dubbedJob(root: string): Promise<{ h: Harness; id: string; job: JobDetails }> {
    const h = await startHarness(root);
    const created = await call<{ jobs: { id: string }[] }>(h, 'POST', '/jobs', {
      input: bundledSample.video, to: ['es'], subtitles: bundledSample.sourceSubtitles, translations: { es: bundledSample.targetSubtitles }, outDir: path.join(root, 'out'),
    });
    expect(created.status).toBe(201);
    const id = created.json.jobs[0]!.id;
    const job = await settled(h, id);
    expect(job.state).toBe('done');
    return { h, id, job };
  }

  it('edits one line, renders only it, and changes the dub only in that cue’s slot', async () => {
    const root = temporary();
    const { h, id, job } = await dubbedJob(root);
    harness = h;
    const before = (await call<CuesView>(h, 'GET', `/jobs/${id}/cues`)).json;
    expect(before).toMatchObject({ revision: 0, renderedRevision: 0 });
    // The mix and the dub's peaks are named by what made them, so a player knows when to reload.
    expect(before.mixVersion).toMatch(/^[0-9a-f]{64}$/);
    expect(before.dubPeaksVersion).toMatch(/^[0-9a-f]{64}$/);
    expect(before.durationMs).toBeGreaterThan(10_000);
    expect(before.cues.length).toBeGreaterThan(2);
    expect(before.cues.every((cue) => !cue.edited && !cue.stale && cue.speedFactor !== null)).toBe(true);
    const stemBefore = readWav(job.outputs.dubStem!).channels[0]!;

    const edited = await call<CuesView>(h, 'PATCH', `/jobs/${id}/cues`, { revision: 0, edits: [{ op: 'update', index: 1, targetText: 'Una frase completamente distinta para este momento.' }] });
    expect(edited.status).toBe(200);
    expect(edited.json.revision).toBe(1);
    expect(edited.json.cues[1]).toMatchObject({ edited: true, stale: true, targetText: 'Una frase completamente distinta para este momento.' });
    expect(edited.json.cues.filter((cue) => cue.stale)).toHaveLength(1);

    // Someone else's edit made against the old revision is refused, not merged silently.
    expectApiError(await send(h.port, { method: 'PATCH', path: `/api/v1/jobs/${id}/cues`, headers: { ...h.auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ revision: 0, edits: [{ op: 'delete', index: 0 }] }) }), 409, 'E_CUES_CHANGED');
    // A bad edit is a 400 naming the edit and the rule.
    const bad = await call<{ error: { code: string; details: string[] } }>(h, 'PATCH', `/jobs/${id}/cues`, { revision: 1, edits: [{ op: 'update', index: 0, startMs: 5000, endMs: 100 }] });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: 'E_CUE_EDIT_INVALID', details: ['Edit 1 (cue 1): its start must come before its end [rule: start-before-end]'] });

    expect((await call(h, 'POST', `/jobs/${id}/render`)).status).toBe(202);
    const rendered = await settled(h, id);
    expect(rendered.state).toBe('done');
    expect(rendered.cuesSynthesized).toBe(1);
    const after = (await call<CuesView>(h, 'GET', `/jobs/${id}/cues`)).json;
    expect(after).toMatchObject({ revision: 1, renderedRevision: 1 });
    expect(after.mixVersion).toMatch(/^[0-9a-f]{64}$/);
    expect(after.mixVersion).not.toBe(before.mixVersion);
    expect(after.dubPeaksVersion).not.toBe(before.dubPeaksVersion);
    // The media route plays the new mix.
    const mix = await send(h.port, { path: `/api/v1/jobs/${id}/media/mix?token=${h.token}`, headers: { Range: 'bytes=0-3' } });
    expect(mix.status).toBe(206);
    expect(mix.body.toString('latin1')).toBe('RIFF');
    expect(after.cues.some((cue) => cue.stale)).toBe(false);
    expect(after.cues[1]!.speedFactor).not.toBeNull();

    // The stem changed in the edited cue's slot and nowhere else.
    const stemAfter = readWav(rendered.outputs.dubStem!).channels[0]!;
    const rate = 48_000;
    const slot = { from: Math.floor(((before.cues[1]!.startMs - 500) * rate) / 1000), to: Math.ceil(((Math.max(before.cues[1]!.endMs, after.cues[1]!.placedEndMs!) + 500) * rate) / 1000) };
    let changedInside = 0;
    let changedOutside = 0;
    for (let index = 0; index < Math.max(stemBefore.length, stemAfter.length); index++) {
      if (Math.abs((stemBefore[index] ?? 0) - (stemAfter[index] ?? 0)) < 1e-3) continue;
      if (index >= slot.from && index < slot.to) changedInside++;
      else changedOutside++;
    }
    expect(changedInside).toBeGreaterThan(0);
    expect(changedOutside).toBe(0);

    // The export encoded only the edited stretch of the dub track again, not the whole track.
    const logs = (await send(h.port, { path: `/api/v1/jobs/${id}/logs?limit=1000`, headers: h.auth })).json<{ logs: { message: string }[] }>().logs;
    const encodedAgain = logs.map((line) => /^Encoded ([0-9.]+) s of the dub track again/.exec(line.message)).find(Boolean);
    expect(encodedAgain, 'the export patched the AAC track').toBeTruthy();
    expect(Number(encodedAgain![1])).toBeLessThan(before.durationMs / 1000 / 2);
  });

  it('keeps edits through a re-run and a restart of the server, and reverts to an earlier revision', async () => {
    const root = temporary();
    const first = await dubbedJob(root);
    const { id } = first;
    harness = first.h;
    const original = (await call<CuesView>(first.h, 'GET', `/jobs/${id}/cues`)).json;
    await call(first.h, 'PATCH', `/jobs/${id}/cues`, { revision: 0, edits: [{ op: 'split', index: 0, atMs: Math.round((original.cues[0]!.startMs + original.cues[0]!.endMs) / 2) }, { op: 'delete', index: 3 }] });
    expect((await call(first.h, 'POST', `/jobs/${id}/render`)).status).toBe(202);
    await settled(first.h, id);
    await first.h.close();
    harness = null;

    const h = await startHarness(root);
    harness = h;
    const reopened = (await call<CuesView>(h, 'GET', `/jobs/${id}/cues`)).json;
    expect(reopened.revision).toBe(1);
    expect(reopened.cues).toHaveLength(original.cues.length);
    expect(reopened.cues[1]).toMatchObject({ id: 'u1', edited: true, stale: false });
    // Undo goes back, as a new revision, to the cues as the stages made them.
    const undo = await call<CuesView>(h, 'PATCH', `/jobs/${id}/cues`, { revision: 1, edits: [{ op: 'revert', revision: 0 }] });
    expect(undo.json.revision).toBe(2);
    expect(undo.json.cues.map((cue) => cue.targetText)).toEqual(original.cues.map((cue) => cue.targetText));
    expect(undo.json.cues.every((cue) => !cue.edited)).toBe(true);
  });

  it('serves waveform peaks of any range at any width, and refuses a nonsense range', async () => {
    const root = temporary();
    const { h, id } = await dubbedJob(root);
    harness = h;
    for (const track of ['original', 'dub']) {
      const whole = await call<{ peaks: number[]; pixels: number }>(h, 'GET', `/jobs/${id}/waveform?track=${track}&start=0&end=20000&pixels=400`);
      expect(whole.status).toBe(200);
      expect(whole.json.peaks).toHaveLength(800);
      expect(Math.max(...whole.json.peaks)).toBeGreaterThan(10);
      const close = await call<{ peaks: number[] }>(h, 'GET', `/jobs/${id}/waveform?track=${track}&start=1000&end=1500&pixels=1000`);
      expect(close.json.peaks).toHaveLength(2000);
    }
    expectApiError(await send(h.port, { path: `/api/v1/jobs/${id}/waveform?track=original&start=500&end=100&pixels=10`, headers: h.auth }), 400, 'E_BAD_REQUEST');
  });
});
