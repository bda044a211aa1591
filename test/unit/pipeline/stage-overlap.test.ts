// Stages overlap where they can: runDubJob starts each stage once everything it consumes has
// settled, so independent stages share the pools' free workers. Fake stages run through the real
// runner, artifact cache, store and worker pools (in this process, via InProcessHost) and stamp
// when they start and end, so the tests see the schedule itself.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DubJobOptions } from '../../../src-main/core/pipeline/dub-options.js';
import { ArtifactCache } from '../../../src-main/core/pipeline/artifact-cache.js';
import { runDubJob } from '../../../src-main/core/pipeline/dub-pipeline.js';
import { declareStage, type AnyStage, type Placement } from '../../../src-main/core/pipeline/stage.js';
import { RedubError } from '../../../src-main/shared/errors.js';
import { openDatabase } from '../../../src-main/core/store/database.js';
import { Store } from '../../../src-main/core/store/store.js';
import { WorkerPool } from '../../../src-main/core/worker-host/worker-pool.js';
import { rejectionOf } from '../../helpers/errors.js';
import { InProcessHost } from '../../helpers/in-process-host.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

/** What happened, in order: a stage's start and end in its worker, a plan, a recorded hook. */
type Event = { stage: string; kind: 'start' | 'end' | 'plan' | 'recorded'; at: number };

interface Behaviour {
  ms?: number;
  weight?: number;
  pool?: Placement['pool'];
  /** Fractions reported, spread over the stage's run. */
  progress?: number[];
  fails?: boolean;
  /** Runs until the test ends (a stage a sibling's failure must stop). */
  hangs?: boolean;
  planNull?: boolean;
  /** Files the result names (for the fake mix and export, which the job publishes). */
  result?: Record<string, string>;
}

let events: Event[] = [];
let releases: (() => void)[] = [];
const seen = new Map<string, unknown>();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function fakeStage(name: string, consumes: AnyStage[], behaviour: Behaviour = {}): AnyStage {
  return declareStage<{ name: string }, Record<string, string>>({
    name,
    version: 1,
    weight: { plain: behaviour.weight ?? 1, neural: behaviour.weight ?? 1 },
    consumes,
    plan: ({ output }) => {
      events.push({ stage: name, kind: 'plan', at: performance.now() });
      // What each consumed stage looked like when this one was planned: null for a skipped one.
      for (const consumed of consumes) seen.set(`${name}<-${consumed.name}`, output(consumed)?.result ?? null);
      return behaviour.planNull ? null : { name };
    },
    outputNeutral: {},
    placement: () => (behaviour.pool === 'model' ? { pool: 'model', engine: 'tts' } : { pool: 'cpu' }),
    async run(_params, context) {
      events.push({ stage: name, kind: 'start', at: performance.now() });
      const steps = behaviour.progress ?? [];
      const ms = behaviour.ms ?? 20;
      for (const fraction of steps) {
        context.reportProgress(fraction);
        await sleep(ms / (steps.length + 1));
      }
      if (behaviour.hangs) await new Promise<void>((resolve) => releases.push(resolve));
      else await sleep(steps.length > 0 ? ms / (steps.length + 1) : ms);
      if (behaviour.fails) throw new RedubError('E_SYNTHESIS_FAILED', { details: [`${name} failed on purpose.`] });
      const result = behaviour.result ?? { file: `${name}.txt` };
      for (const file of Object.values(result)) writeFileSync(path.join(context.task.outDir, file), name);
      events.push({ stage: name, kind: 'end', at: performance.now() });
      return result;
    },
    recorded: () => void events.push({ stage: name, kind: 'recorded', at: performance.now() }),
  });
}

/** The fake ends of a pipeline: the job publishes export's video and subtitles and mix's voice. */
function ends(consumes: AnyStage[], behaviour: { mix?: Behaviour; export?: Behaviour } = {}) {
  const mix = fakeStage('mix', consumes, { result: { voiceFile: 'voice.wav', mixFile: 'mix.wav' }, ...behaviour.mix });
  const exported = fakeStage('export', [mix], { result: { videoFile: 'dub.mp4', subtitlesFile: 'dub.srt' }, ...behaviour.export });
  return [mix, exported];
}

function stamp(stage: string, kind: Event['kind']): number {
  const found = events.find((event) => event.stage === stage && event.kind === kind);
  if (!found) throw new Error(`No ${kind} of ${stage} was recorded.`);
  return found.at;
}

/** Every stage that started did so after all it consumes had ended (or been skipped). */
function expectConsumersWaited(stages: readonly AnyStage[]): void {
  for (const stage of stages) {
    const start = events.find((event) => event.stage === stage.name && event.kind === 'start');
    if (!start) continue;
    for (const consumed of stage.consumes) {
      const end = events.find((event) => event.stage === consumed.name && event.kind === 'end');
      if (end) expect(start.at, `${stage.name} starts after ${consumed.name} ends`).toBeGreaterThanOrEqual(end.at);
    }
  }
}

describe('stages overlap where they can', { timeout: 30_000 }, () => {
  const temporary = useTemporaryDirectory('redub-overlap-');
  const closers: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const release of releases.splice(0)) release();
    for (const close of closers.splice(0)) await close();
    events = [];
    releases = [];
    seen.clear();
  });

  function setup(stages: readonly AnyStage[], workers: { cpu: number; model?: number } = { cpu: 2 }) {
    const dir = temporary();
    const store = new Store(openDatabase(path.join(dir, 'redub.db')));
    const jobId = store.jobs.enqueue({ idempotencyKey: 'k', inputPath: path.join(dir, 'talk.mp4'), language: 'es', sourceLanguage: null, options: {} }).job.id;
    const host = new InProcessHost(stages);
    const pools = { cpu: new WorkerPool(host, workers.cpu), model: new WorkerPool(host, workers.model ?? 1) };
    const cache = new ArtifactCache(path.join(dir, 'artifacts'));
    closers.push(() => pools.cpu.close(), () => pools.model.close(), () => void store.db.close());
    const options = jobOptions(dir);
    const progress: number[] = [];
    const run = (signal: AbortSignal = new AbortController().signal) =>
      runDubJob({ id: jobId, options }, { store, cache, pools, stages }, signal, (percent) => progress.push(percent));
    const rows = () => new Map(store.stages.list(jobId, stages.map((stage) => stage.name)).map((row) => [row.name, row]));
    return { dir, run, rows, progress };
  }

  it('runs two independent stages at once on a pool with two free workers, each after what it consumes', async () => {
    const source = fakeStage('source', []);
    const left = fakeStage('left', [source], { ms: 400 });
    const right = fakeStage('right', [source], { ms: 400 });
    const stages = [source, left, right, ...ends([left, right])];
    const { run, rows } = setup(stages);

    const result = await run();

    expect(result.outputs.video).toMatch(/talk\.es\.mp4$/);
    // The two overlap in time: each starts before the other ends.
    expect(stamp('left', 'start')).toBeLessThan(stamp('right', 'end'));
    expect(stamp('right', 'start')).toBeLessThan(stamp('left', 'end'));
    expectConsumersWaited(stages);
    // Each stage's row holds its own timing, not the pair's.
    for (const name of ['left', 'right']) {
      const row = rows().get(name)!;
      expect(row).toMatchObject({ state: 'done', reused: false });
      expect(row.ms).toBeGreaterThanOrEqual(390);
      expect(row.ms).toBeLessThan(700);
    }
  });

  it('starts a stage beside one it consumes but does not wait for, and refuses to read that one early', async () => {
    // A subtitle import beside the VAD: it consumes the VAD's stage but this job does not wait for it.
    const source = fakeStage('source', []);
    const slow = fakeStage('slow', [source], { ms: 400, pool: 'model' });
    const early: AnyStage = { ...fakeStage('early', [source], { ms: 100 }), consumes: [source, slow], waitsFor: () => [source] };
    const stages = [source, slow, early, ...ends([early, slow])];
    await setup(stages).run();
    expect(stamp('early', 'start')).toBeLessThan(stamp('slow', 'end'));
    expect(stamp('mix', 'start')).toBeGreaterThanOrEqual(stamp('slow', 'end'));

    events = [];
    const reader: AnyStage = { ...fakeStage('reader', [source, slow]), waitsFor: () => [source] };
    const failing = [source, slow, reader, ...ends([reader, slow])];
    const error = await setup(failing).run().then(() => null, (thrown: unknown) => thrown);
    expect(String(error)).toMatch(/reads "slow" before it has run/);
  });

  it('tells a recorded hook about a stage it does not wait for once that one settles: later, at once, or skipped', async () => {
    // The mix's speech-coverage warnings: the mix does not wait for the VAD, its recorded() asks to be told.
    const source = fakeStage('source', []);
    const told: { when: number; result: unknown }[] = [];
    const listener = (name: string, consumed: () => AnyStage): AnyStage => ({
      ...fakeStage(name, [source], { ms: 50 }),
      consumes: [source, consumed()],
      waitsFor: () => [source],
      recorded: (_output, context) => context.whenSettled(consumed(), (output) => void told.push({ when: performance.now(), result: output?.result ?? null })),
    });
    const slow = fakeStage('slow', [source], { ms: 400, pool: 'model' });
    const early = listener('early', () => slow);
    await setup([source, slow, early, ...ends([early])]).run();
    expect(stamp('early', 'end')).toBeLessThan(stamp('slow', 'end'));
    expect(told).toHaveLength(1);
    expect(told[0]!.when).toBeGreaterThanOrEqual(stamp('slow', 'end'));
    expect(told[0]!.result).toEqual({ file: 'slow.txt' });

    // Settled before the hook runs: told at once. Skipped: told null.
    for (const [behaviour, expected] of [[{ ms: 5 }, { file: 'quick.txt' }], [{ planNull: true }, null]] as const) {
      events = [];
      told.length = 0;
      const quick = fakeStage('quick', [source], behaviour);
      const late = { ...listener('late', () => quick), waitsFor: () => [source, quick] };
      await setup([source, quick, late, ...ends([late])]).run();
      expect(told.map((entry) => entry.result)).toEqual([expected]);
    }
  });

  it('times a stage queued behind a sibling from when a worker takes it', async () => {
    const source = fakeStage('source', []);
    const first = fakeStage('first', [source], { ms: 300 });
    const second = fakeStage('second', [source], { ms: 300 });
    const stages = [source, first, second, ...ends([first, second])];
    const { run, rows } = setup(stages, { cpu: 1 });
    await run();
    // One worker: the second waits for the first, and its row counts only its own 300 ms.
    expect(stamp('second', 'start')).toBeGreaterThanOrEqual(stamp('first', 'end'));
    expect(rows().get('second')!.ms).toBeLessThan(500);
    expect(rows().get('first')!.ms).toBeLessThan(500);
  });

  it('overlaps stages on different pools, and never starts a consumer before its producers end', async () => {
    // The original's waveform beside a chain on the model pool, as in the dub pipeline.
    const extract = fakeStage('extract', []);
    const waveform = fakeStage('waveform', [extract], { ms: 500 });
    const transcribe = fakeStage('transcribe', [extract], { ms: 150, pool: 'model' });
    const translate = fakeStage('translate', [transcribe], { ms: 150, pool: 'model' });
    const synthesize = fakeStage('synthesize', [translate], { ms: 150 });
    const stages = [extract, transcribe, translate, synthesize, waveform, ...ends([extract, synthesize])];
    const { run } = setup(stages, { cpu: 1 });
    await run();
    expect(stamp('waveform', 'start')).toBeLessThan(stamp('transcribe', 'end'));
    expect(stamp('translate', 'start')).toBeLessThan(stamp('waveform', 'end'));
    expectConsumersWaited(stages);
    // A stage's recorded() runs before anything that consumes it is planned.
    for (const stage of stages) {
      for (const consumed of stage.consumes) expect(stamp(consumed.name, 'recorded')).toBeLessThanOrEqual(stamp(stage.name, 'plan'));
    }
  });

  it('aborts a sibling in flight when a stage fails, awaits it, and fails the job with the first error', async () => {
    const source = fakeStage('source', []);
    const slow = fakeStage('slow', [source], { hangs: true });
    const failing = fakeStage('failing', [source], { ms: 100, fails: true });
    const after = fakeStage('after', [failing], {});
    const stages = [source, slow, failing, after, ...ends([slow, after])];
    const { run, rows } = setup(stages);

    const startedAt = performance.now();
    const error = await rejectionOf(run());
    expect(error.code).toBe('E_SYNTHESIS_FAILED');
    expect(error.details).toContain('failing failed on purpose.');
    expect(performance.now() - startedAt).toBeLessThan(5000);
    // By the time the job fails, the sibling has been stopped and recorded as such.
    const slowRow = rows().get('slow')!;
    expect(slowRow.state).toBe('failed');
    expect(slowRow.error?.code).toBe('E_CANCELLED');
    expect(rows().get('failing')!.state).toBe('failed');
    // Nothing that follows started.
    for (const name of ['after', 'mix', 'export']) {
      expect(rows().get(name)!.state).toBe('pending');
      expect(events.some((event) => event.stage === name)).toBe(false);
    }
  });

  it('stops every stage in flight when the job is cancelled', async () => {
    const source = fakeStage('source', []);
    const one = fakeStage('one', [source], { hangs: true });
    const two = fakeStage('two', [source], { hangs: true });
    const stages = [source, one, two, ...ends([one, two])];
    const { run, rows } = setup(stages);
    const cancel = new AbortController();
    const running = run(cancel.signal);
    while (events.filter((event) => event.kind === 'start').length < 3) await sleep(5);
    cancel.abort();
    expect((await rejectionOf(running)).code).toBe('E_CANCELLED');
    expect(rows().get('one')!.state).toBe('failed');
    expect(rows().get('two')!.state).toBe('failed');
    expect(rows().get('mix')!.state).toBe('pending');
  });

  it('fails the job with what a recorded hook or a plan throws, and starts nothing after it', async () => {
    const source = fakeStage('source', []);
    const other = fakeStage('other', []);
    // Reads a stage it does not declare: the output() guard still stops it.
    const sneaky = declareStage({ ...fakeStage('sneaky', [source]), plan: ({ output }) => output(other) });
    const stages = [source, other, sneaky, ...ends([sneaky])];
    const { run, rows } = setup(stages);
    await expect(run()).rejects.toThrow('Stage "sneaky" reads "other" without declaring it in consumes.');
    expect(rows().get('mix')!.state).toBe('pending');
  });

  it('lets the consumers of a skipped stage run, seeing it as null', async () => {
    const source = fakeStage('source', []);
    const optional = fakeStage('optional', [source], { planNull: true });
    const beyond = fakeStage('beyond', [optional], { planNull: true });
    const user = fakeStage('user', [optional, beyond, source]);
    const stages = [source, optional, beyond, user, ...ends([user])];
    const { run, rows } = setup(stages);
    await run();
    expect(rows().get('optional')!.state).toBe('skipped');
    expect(rows().get('beyond')!.state).toBe('skipped');
    expect(rows().get('user')!.state).toBe('done');
    expect(seen.get('user<-optional')).toBeNull();
    expect(seen.get('user<-source')).toEqual({ file: 'source.txt' });
    expect(rows().get('export')!.state).toBe('done');
  });

  it('sums the progress of every stage in flight, never goes back, and ends at exactly 100', async () => {
    const source = fakeStage('source', [], { weight: 1 });
    // The long one reports most of its share early; the short one finishes while it runs: a
    // tally that counted one stage in flight would drop back when the short one finished.
    const long = fakeStage('long', [source], { weight: 10, ms: 1200, progress: [0.3, 0.6, 0.9, 0.9, 0.9, 0.9] });
    const short = fakeStage('short', [source], { weight: 1, ms: 600, progress: [0.5, 0.5, 0.5] });
    const stages = [source, long, short, ...ends([long, short], { mix: { weight: 1 }, export: { weight: 1 } })];
    const { run, progress } = setup(stages);
    await run();
    expect(progress.length).toBeGreaterThan(3);
    for (let index = 1; index < progress.length; index++) expect(progress[index]!, `update ${index} of ${progress.join(', ')}`).toBeGreaterThanOrEqual(progress[index - 1]!);
    expect(progress.at(-1)).toBe(100);
    // While both ran, the long stage's part was counted: above what the finished stages alone
    // (source and short, 2 of 14) could show, below what they show once it is done (12 of 14).
    expect(progress.some((percent) => percent > (100 * 3) / 14 && percent < (100 * 12) / 14 - 0.01)).toBe(true);
  });
});

function jobOptions(dir: string): DubJobOptions {
  return {
    version: 6,
    speech: { engine: 'espeak', voice: null },
    inputPath: path.join(dir, 'talk.mp4'),
    inputFingerprint: 'fingerprint-1',
    inputUrl: null,
    language: 'es',
    sourceLanguage: 'en',
    subtitlesPath: path.join(dir, 'talk.en.srt'),
    subtitlesHash: 'subtitles-hash-1',
    translationPath: path.join(dir, 'talk.es.srt'),
    translationHash: 'translation-hash-1',
    subtitlesEncoding: null,
    subtitlesShown: false,
    voice: null,
    outDir: path.join(dir, 'out'),
    maxSpeed: 1.35,
    targetLufs: -16,
    limits: {},
    lipSyncSegments: [],
    audioRefs: [],
    executionProvider: 'auto',
    separation: null,
    diarization: null,
    speakerVoices: {},
    voicePool: [],
    stems: false,
  } as DubJobOptions;
}
