// The lip-sync store against a fake core (the job's plan, the replacement that takes or refuses
// it, the audio's waveform), and the store's way to the core through a fake bridge: what is sent,
// how a refusal's violations come back to their segments whichever transport rejected it, the
// audio fetched at the URL previewSources gives, and the audio size bound.
import { beforeEach, describe, expect, it } from 'vitest';
import type { RedubApi } from '../../../src-main/shared/contract.js';
import type { RedubErrorData } from '../../../src-main/shared/errors.js';
import { RedubApiError } from '../../../src-main/shared/client/api-error.js';
import type { LipSyncPlan, LipSyncSegment, LipSyncViolation } from '../../../src-main/shared/lipsync.js';
import { liveViolations } from '../../../src-renderer/features/timeline/lipsync-math.js';
import { peaksOf } from '../../../src-renderer/features/timeline/lipsync-audio.js';
import { createLipSyncIo, limitNotice, maxAudioBytes, refusedViolations, sameSegments, useLipSyncStore, type AudioPeaks, type JobDetailsWithLipSync, type LipSyncIo, type SaveOutcome } from '../../../src-renderer/stores/lipsync-store.js';

const dub = (id: string, startMs: number, endMs: number): LipSyncSegment => ({ id, startMs, endMs, audio: { refId: 'dub', cropStartMs: startMs, cropEndMs: endMs } });
const media = { durationMs: 10_000, fps: 25 };

class FakeCore implements LipSyncIo {
  plan: LipSyncPlan = { segments: [dub('lip-1', 1000, 2000)], audio: [{ id: 'voice', durationMs: 3000, name: 'voice.wav' }], maxSegments: 2 };
  sent: LipSyncSegment[][] = [];
  refuse: LipSyncViolation[] | null = null;
  audioCalls = 0;

  job(): JobDetailsWithLipSync {
    // Only what the store reads of a job: the rest of JobDetails is the jobs store's.
    return { id: 'job-1', state: 'done', lipsync: structuredClone(this.plan) } as unknown as JobDetailsWithLipSync;
  }

  getJob = async () => this.job();

  saveLipSync = async (_jobId: string, segments: LipSyncSegment[]): Promise<SaveOutcome> => {
    this.sent.push(structuredClone(segments));
    if (this.refuse) return { ok: false, error: { code: 'E_LIPSYNC_INVALID', message: 'The lip-sync segments are not valid.', action: 'Fix them.' }, violations: this.refuse };
    this.plan = { ...this.plan, segments: structuredClone(segments) };
    return { ok: true, job: this.job() };
  };

  audioPeaks = async (): Promise<AudioPeaks> => {
    this.audioCalls++;
    return peaksOf([new Float32Array([0, 0.5, -0.25, 1])], 2, 3000);
  };
}

const store = () => useLipSyncStore.getState();

describe('the lip-sync store', () => {
  let core: FakeCore;
  beforeEach(async () => {
    core = new FakeCore();
    await store().open(core, 'job-1');
  });

  it('opens with the job’s plan, and a draft that is the plan', () => {
    expect(store().segments).toEqual(core.plan.segments);
    expect(store().plan?.maxSegments).toBe(2);
    expect(sameSegments(store().segments, store().plan!.segments)).toBe(true);
  });

  it('keeps the draft in start order, with undo and redo over each change', () => {
    store().put(dub('lip-2', 0, 500));
    expect(store().segments.map((segment) => segment.id)).toEqual(['lip-2', 'lip-1']);
    store().put({ ...dub('lip-1', 1000, 2500) });
    store().undo();
    expect(store().segments.find((segment) => segment.id === 'lip-1')?.endMs).toBe(2000);
    store().undo();
    expect(store().segments.map((segment) => segment.id)).toEqual(['lip-1']);
    store().undo(); // nothing left to undo: nothing changes
    expect(store().segments).toHaveLength(1);
    store().redo();
    store().redo();
    expect(store().segments.find((segment) => segment.id === 'lip-1')?.endMs).toBe(2500);
    // A new change after undo drops what could have been redone.
    store().undo();
    store().put(dub('lip-3', 5000, 6000));
    expect(store().future).toEqual([]);
  });

  it('refuses a segment past the job’s limit, and says so', () => {
    expect(store().add(dub('lip-2', 3000, 4000))).toBe(true);
    expect(store().selectedId).toBe('lip-2');
    expect(store().add(dub('lip-3', 5000, 6000))).toBe(false);
    expect(store().segments).toHaveLength(2);
    expect(store().notice).toBe(limitNotice(2));
    expect(limitNotice(1)).toBe('This job allows at most 1 lip-sync segment; delete one before drawing another.');
  });

  it('moves the selection to the neighbour of a removed segment, and closes its editor', () => {
    store().add(dub('lip-2', 3000, 4000));
    store().edit('lip-2');
    store().remove('lip-2');
    expect(store().selectedId).toBe('lip-1');
    expect(store().editingId).toBeNull();
    store().remove('lip-1');
    expect(store().selectedId).toBeNull();
  });

  it('sends nothing while the live check finds a violation, and names how many', async () => {
    store().put({ ...dub('lip-1', 1000, 2000), audio: { refId: 'voice', cropStartMs: 0, cropEndMs: 3000 } });
    const violations = liveViolations(store().segments, media, store().plan!.audio, store().plan!.maxSegments);
    expect(violations.map((violation) => violation.rule)).toEqual(['length-matches-audio']);
    expect(await store().save(core, violations)).toBeNull();
    expect(core.sent).toEqual([]);
    expect(store().notice).toMatch(/^Nothing was sent: a segment breaks a rule/);
  });

  it('applies a valid draft: the core’s plan becomes the draft, and the job comes back', async () => {
    store().add(dub('lip-2', 3000, 4000));
    const job = await store().save(core, []);
    expect(job?.lipsync?.segments.map((segment) => segment.id)).toEqual(['lip-1', 'lip-2']);
    expect(core.sent).toEqual([[dub('lip-1', 1000, 2000), dub('lip-2', 3000, 4000)]]);
    expect(sameSegments(store().segments, store().plan!.segments)).toBe(true);
    expect(store().notice).toMatch(/applied/);
  });

  it('keeps the core’s refusal with its violations until the draft changes', async () => {
    core.refuse = [{ segmentId: 'lip-1', rule: 'inside-video', message: 'Segment "lip-1" ends after the video ends.' }];
    store().put(dub('lip-1', 1000, 2200));
    expect(await store().save(core, [])).toBeNull();
    expect(store().error?.code).toBe('E_LIPSYNC_INVALID');
    expect(store().refused).toEqual(core.refuse);
    expect(store().plan?.segments).toEqual([dub('lip-1', 1000, 2000)]);
    store().put(dub('lip-1', 1000, 2100));
    expect(store().refused).toEqual([]);
  });

  it('keeps a changed draft when the plan is read again, and follows the core when the draft is clean', async () => {
    core.plan = { ...core.plan, segments: [dub('lip-9', 0, 500)] };
    await store().reload(core);
    expect(store().segments.map((segment) => segment.id)).toEqual(['lip-9']);
    store().put(dub('lip-9', 0, 800));
    core.plan = { ...core.plan, segments: [] };
    await store().reload(core);
    expect(store().segments).toEqual([dub('lip-9', 0, 800)]);
    store().revert();
    expect(store().segments).toEqual([]);
  });

  it('treats a core without lip-sync plans as an empty plan with the default limit', async () => {
    core.getJob = async () => ({ id: 'job-1', state: 'done' }) as unknown as JobDetailsWithLipSync;
    await store().open(core, 'job-1');
    expect(store().plan).toEqual({ segments: [], audio: [], maxSegments: 5 });
  });

  it('decodes an added file’s waveform once, however often it is asked for', async () => {
    store().loadAudio(core, 'voice');
    store().loadAudio(core, 'voice');
    expect(store().audio.voice).toEqual({ state: 'loading' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    const entry = store().audio.voice;
    expect(entry?.state).toBe('ready');
    expect(core.audioCalls).toBe(1);
  });

  it('records a waveform that could not be read as the error a person reads', async () => {
    core.audioPeaks = async () => {
      throw { code: 'E_AUDIO_INVALID', message: 'This page cannot decode the audio file.', action: 'Set the crop by its fields.' };
    };
    store().loadAudio(core, 'voice');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(store().audio.voice).toMatchObject({ state: 'failed', error: { code: 'E_AUDIO_INVALID' } });
  });
});

describe('an audio file’s waveform', () => {
  it('keeps the min and max of every bucket over all channels', () => {
    const left = new Float32Array([0.1, -0.5, 0.2, 0.3, 0, 0, -1, 0.9]);
    const right = new Float32Array([0.7, 0, 0, 0, 0, -0.2, 0, 0]);
    const { peaks, buckets, durationMs } = peaksOf([left, right], 4, 1000);
    expect(buckets).toBe(4);
    expect(durationMs).toBe(1000);
    expect(Array.from(peaks).map((value) => Math.round(value * 100) / 100)).toEqual([-0.5, 0.7, 0, 0.3, -0.2, 0, -1, 0.9]);
  });

  it('stretches the samples where there are more buckets than samples, and reads a shorter channel as silence', () => {
    expect(Array.from(peaksOf([new Float32Array([0.5, -0.5])], 4, 10).peaks)).toEqual([0, 0.5, 0, 0.5, -0.5, 0, -0.5, 0]);
    expect(Array.from(peaksOf([new Float32Array([0.25, 0.25]), new Float32Array([-0.5])], 2, 10).peaks)).toEqual([-0.5, 0.25, 0, 0.25]);
  });
});

describe('the store’s way to the core', () => {
  type Call = { url: string; init: RequestInit | undefined };
  const replying = (reply: (call: Call) => Response) => {
    const calls: Call[] = [];
    return {
      calls,
      fetch: async (url: string, init?: RequestInit) => {
        calls.push({ url, init });
        return reply({ url, init });
      },
    };
  };
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  const noDecode = async (): Promise<AudioPeaks> => {
    throw new Error('not decoded in this test');
  };
  /** The bridge as the page has it: each call recorded, previewSources naming the job's added files. */
  function fakeBridge(audio: Record<string, string> = {}) {
    const calls: { method: string; args: unknown[] }[] = [];
    const bridge: Pick<RedubApi, 'getJob' | 'replaceLipSync' | 'previewSources'> = {
      getJob: async (id) => (calls.push({ method: 'getJob', args: [id] }), { id } as never),
      replaceLipSync: async (id, request) => (calls.push({ method: 'replaceLipSync', args: [id, request] }), { id, lipsync: { segments: request.segments, audio: [], maxSegments: 5 } } as never),
      previewSources: async (id) => (calls.push({ method: 'previewSources', args: [id] }), { original: 'o', dub: null, mix: null, audio }),
    };
    return { bridge, calls };
  }

  it('replaces the segments through the bridge, and returns the job', async () => {
    const { bridge, calls } = fakeBridge();
    const io = createLipSyncIo(bridge, { decode: noDecode, fetch: async () => { throw new Error('nothing is fetched'); } });
    const outcome = await io.saveLipSync('job 1', [dub('lip-1', 0, 1000)]);
    expect(outcome).toMatchObject({ ok: true, job: { id: 'job 1', lipsync: { segments: [dub('lip-1', 0, 1000)] } } });
    expect(calls).toEqual([{ method: 'replaceLipSync', args: ['job 1', { segments: [dub('lip-1', 0, 1000)] }] }]);
  });

  it('turns the core’s refusal into each violation under its segment, however the bridge rejected it', async () => {
    const violations = [{ segmentId: 'lip-2', rule: 'no-overlap', message: 'Segment "lip-2" overlaps segment "lip-1".' }];
    const refusal = { code: 'E_LIPSYNC_INVALID', message: 'The lip-sync segments are not valid.', action: 'Fix the segments named in the details, then try again.', details: ['Segment "lip-2" overlaps segment "lip-1". [rule: no-overlap]'] };
    const { bridge } = fakeBridge();
    // The HTTP client's error, the preload's plain object with violations, and one with the detail sentences only.
    for (const rejection of [new RedubApiError({ ...refusal, violations } as RedubErrorData, 422), { name: 'RedubError', ...refusal, violations }, { name: 'RedubError', ...refusal }]) {
      const io = createLipSyncIo({ ...bridge, replaceLipSync: async () => Promise.reject(rejection) }, { decode: noDecode });
      const outcome = await io.saveLipSync('job-1', []);
      expect(outcome).toMatchObject({ ok: false, error: { code: 'E_LIPSYNC_INVALID' } });
      expect(outcome.ok ? [] : outcome.violations).toEqual(violations);
    }
    // Anything else is a failure, not a refusal: the store shows it as the error.
    const failing = createLipSyncIo({ ...bridge, replaceLipSync: async () => Promise.reject({ code: 'E_JOB_STATE', message: 'The job is running now.', action: 'Wait.' }) }, { decode: noDecode });
    await expect(failing.saveLipSync('job-1', [])).rejects.toMatchObject({ code: 'E_JOB_STATE' });
  });

  it('reads the CLI’s detail sentences as violations too, and ignores what names no rule', () => {
    expect(
      refusedViolations({ error: { details: ['Segment "a" ends at 0:00:12.000, after the video ends (0:00:10.000). [rule: inside-video]', 'something else', { segmentId: 'b', rule: 'segment-limit', message: 'At most 5.' }, { rule: 'made-up', message: 'x' }] } }),
    ).toEqual([
      { segmentId: 'a', rule: 'inside-video', message: 'Segment "a" ends at 0:00:12.000, after the video ends (0:00:10.000).' },
      { segmentId: 'b', rule: 'segment-limit', message: 'At most 5.' },
    ]);
    expect(refusedViolations('not json')).toEqual([]);
  });

  it('fetches an added file at the URL previewSources gives it (no header of its own) and decodes it, or names the error', async () => {
    const url = 'redub-media://job/job-1/audio/voice';
    const server = replying((call) => (call.url === url ? new Response(new Uint8Array([1, 2, 3]), { status: 200 }) : json(404, { error: { code: 'E_JOB_NOT_FOUND', message: 'No such audio.', action: 'Check the job.' } })));
    const decoded: number[] = [];
    const { bridge, calls } = fakeBridge({ voice: url, gone: '/api/v1/jobs/job-1/audio/gone?token=t' });
    const io = createLipSyncIo(bridge, { decode: async (bytes) => (decoded.push(bytes.byteLength), peaksOf([], 1, 0)), fetch: server.fetch });
    await io.audioPeaks('job-1', 'voice', new AbortController().signal);
    expect(decoded).toEqual([3]);
    expect(calls).toEqual([{ method: 'previewSources', args: ['job-1'] }]);
    expect(server.calls[0]!.url).toBe(url);
    expect(server.calls[0]!.init?.headers).toBeUndefined();
    await expect(io.audioPeaks('job-1', 'gone', new AbortController().signal)).rejects.toMatchObject({ code: 'E_JOB_NOT_FOUND' });
    // A refId the job does not have (one spelled like an Object member too) is named, and nothing is fetched.
    for (const refId of ['other', 'constructor']) await expect(io.audioPeaks('job-1', refId, new AbortController().signal)).rejects.toMatchObject({ code: 'E_BAD_REQUEST' });
    expect(server.calls).toHaveLength(2);
  });

  it('refuses to decode a file over the bound before reading it', async () => {
    const server = replying(() => new Response('x', { status: 200, headers: { 'Content-Length': String(maxAudioBytes + 1) } }));
    const io = createLipSyncIo(fakeBridge({ voice: '/a' }).bridge, { decode: noDecode, fetch: server.fetch });
    await expect(io.audioPeaks('job-1', 'voice', new AbortController().signal)).rejects.toMatchObject({ code: 'E_FILE_TOO_LARGE' });
  });
});
