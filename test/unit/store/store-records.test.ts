import { afterEach, describe, expect, it } from 'vitest';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { RedubError } from '../../../src-main/shared/errors.js';
import type { CueRecord } from '../../../src-main/shared/jobs.js';
import type { LipSyncSegment } from '../../../src-main/shared/lipsync.js';
import { createStore, newJob, type StoreFixture } from '../queue/store-fixture.js';
import { thrownCode } from '../../helpers/errors.js';
import { dubStageNames } from '../../../src-main/core/pipeline/stage-registry.js';

function cue(index: number, overrides: Partial<CueRecord> = {}): CueRecord {
  return {
    index, startMs: index * 1000, endMs: index * 1000 + 900, sourceText: `line ${index}`, targetText: `línea ${index}`,
    speedFactor: null, placedStartMs: null, placedEndMs: null, flag: null, ...overrides,
  };
}


describe('Store per-job records', () => {
  const directory = useTemporaryDirectory();
  let fixture: StoreFixture;
  afterEach(() => fixture.close());

  function setup() {
    fixture = createStore(directory());
    return { store: fixture.store, jobId: fixture.store.jobs.enqueue(newJob()).job.id };
  }

  describe('stages', () => {
    it('reads every stage in pipeline order, unwritten ones as pending', () => {
      const { store, jobId } = setup();
      const stages = store.stages.list(jobId, dubStageNames);
      expect(stages.map((stage) => stage.name)).toEqual([...dubStageNames]);
      expect(stages.find((stage) => stage.name === 'transcribe')).toEqual({ name: 'transcribe', state: 'pending', progress: 0, reused: false, ms: null, attempts: 0, executionProvider: null, error: null });
    });

    it('merges patches, keeping fields a patch does not mention and honouring explicit nulls', () => {
      const { store, jobId } = setup();
      const error = new RedubError('E_VAD_FAILED').toData();
      store.stages.upsert(jobId, 'vad', { state: 'running', startedMs: 10, attempts: 1, executionProvider: 'cuda', artifactKey: 'k1' });
      store.stages.upsert(jobId, 'vad', { state: 'failed', error });
      expect(store.stages.list(jobId, dubStageNames).find((stage) => stage.name === 'vad')).toMatchObject({ state: 'failed', attempts: 1, executionProvider: 'cuda', error });
      store.stages.upsert(jobId, 'vad', { state: 'done', progress: 100, reused: true, durationMs: 250, error: null, executionProvider: null });
      expect(store.stages.list(jobId, dubStageNames).find((stage) => stage.name === 'vad')).toEqual({ name: 'vad', state: 'done', progress: 100, reused: true, ms: 250, attempts: 1, executionProvider: null, error: null });
      expect(store.stages.artifactKey(jobId, 'vad')).toBe('k1');
      store.stages.reset(jobId);
      expect(store.stages.list(jobId, dubStageNames).find((stage) => stage.name === 'vad')!.state).toBe('pending');
    });

    it('refuses stages for a job that does not exist', () => {
      const { store } = setup();
      expect(thrownCode(() => store.stages.upsert('missing', 'probe', { state: 'done' }))).toBe('E_JOB_NOT_FOUND');
    });
  });

  describe('cues', () => {
    it('replaces the whole list and reads it in index order', () => {
      const { store, jobId } = setup();
      store.cues.replace(jobId, [cue(2), cue(0), cue(1)]);
      expect(store.cues.list(jobId).map((row) => row.index)).toEqual([0, 1, 2]);
      store.cues.replace(jobId, [cue(0, { targetText: 'nuevo' })]);
      expect(store.cues.list(jobId)).toEqual([cue(0, { targetText: 'nuevo' })]);
    });

    it('patches named cues and leaves the rest', () => {
      const { store, jobId } = setup();
      store.cues.replace(jobId, [cue(0), cue(1)]);
      store.cues.patch(jobId, [{ index: 1, targetText: 'editado', speedFactor: 1.2, placedStartMs: 1000, placedEndMs: 1800, flag: 'overflow' }]);
      expect(store.cues.list(jobId)).toEqual([cue(0), cue(1, { targetText: 'editado', speedFactor: 1.2, placedStartMs: 1000, placedEndMs: 1800, flag: 'overflow' })]);
    });

    it('changes nothing when one patch names a cue that does not exist (E_CUE_NOT_FOUND)', () => {
      const { store, jobId } = setup();
      store.cues.replace(jobId, [cue(0)]);
      expect(thrownCode(() => store.cues.patch(jobId, [{ index: 0, targetText: 'x' }, { index: 7, targetText: 'y' }]))).toBe('E_CUE_NOT_FOUND');
      expect(store.cues.list(jobId)).toEqual([cue(0)]);
    });
  });

  describe('logs', () => {
    it('pages forward from the last id seen', () => {
      const { store, jobId } = setup();
      const other = store.jobs.enqueue(newJob()).job.id;
      const ids = [1, 2, 3, 4, 5].map((n) => store.logs.append(jobId, n === 5 ? 'error' : 'info', n === 1 ? null : 'extract', `line ${n}`)!);
      store.logs.append(other, 'info', null, 'not mine');
      const firstPage = store.logs.page(jobId, { limit: 2 });
      expect(firstPage.map((line) => line.message)).toEqual(['line 1', 'line 2']);
      expect(firstPage[0]).toEqual({ id: ids[0], at: new Date(fixture.clock.now).toISOString(), level: 'info', stage: null, message: 'line 1' });
      const secondPage = store.logs.page(jobId, { afterId: firstPage.at(-1)!.id, limit: 2 });
      expect(secondPage.map((line) => line.message)).toEqual(['line 3', 'line 4']);
      const rest = store.logs.page(jobId, { afterId: secondPage.at(-1)!.id });
      expect(rest).toMatchObject([{ message: 'line 5', level: 'error', stage: 'extract' }]);
      expect(store.logs.page(jobId, { afterId: rest[0]!.id })).toEqual([]);
    });

    it('drops a line for a job that no longer exists instead of throwing', () => {
      const { store } = setup();
      expect(store.logs.append('deleted-job', 'warn', null, 'late line')).toBeNull();
    });
  });

  describe('artifacts', () => {
    it('upserts by key, keeps the creation time, and touches the last use', () => {
      const { store } = setup();
      const created = fixture.clock.now;
      store.artifacts.record({ key: 'a1', stage: 'extract', path: '/cache/a1.wav', bytes: 100 });
      fixture.clock.now += 1000;
      store.artifacts.record({ key: 'a1', stage: 'extract', path: '/cache/a1b.wav', bytes: 120 });
      expect(store.artifacts.get('a1')).toEqual({ key: 'a1', stage: 'extract', path: '/cache/a1b.wav', bytes: 120, createdMs: created, lastUsedMs: created + 1000 });
      store.artifacts.record({ key: 'a2', stage: 'vad', path: '/cache/a2.json', bytes: 5 });
      fixture.clock.now += 1000;
      expect(store.artifacts.touchKey('a1')).toBe(true);
      expect(store.artifacts.touchKey('nope')).toBe(false);
      expect(store.artifacts.list().map((artifact) => artifact.key)).toEqual(['a2', 'a1']);
      expect(store.artifacts.delete('a2')).toBe(true);
      expect(store.artifacts.get('a2')).toBeNull();
    });
  });

  describe('lip-sync segments and audio refs', () => {
    it('replaces segments and reads them back in time order', () => {
      const { store, jobId } = setup();
      const segments: LipSyncSegment[] = [
        { id: 'b', startMs: 5000, endMs: 6000, audio: { refId: 'dub' }, fit: false },
        { id: 'a', startMs: 1000, endMs: 2000, audio: { refId: 'voice', cropStartMs: 100, cropEndMs: 1100 }, fit: true },
      ];
      store.lipSync.replaceSegments(jobId, segments);
      expect(store.lipSync.segments(jobId)).toEqual([segments[1], segments[0]]);
      store.lipSync.replaceSegments(jobId, []);
      expect(store.lipSync.segments(jobId)).toEqual([]);
    });

    it('keeps one audio ref per id', () => {
      const { store, jobId } = setup();
      store.lipSync.addAudio(jobId, { id: 'voice', path: '/a/voice.wav', durationMs: 3000 });
      store.lipSync.addAudio(jobId, { id: 'dub', path: '/a/dub.wav', durationMs: 60_000 });
      store.lipSync.addAudio(jobId, { id: 'voice', path: '/a/voice2.wav', durationMs: 3500 });
      expect(store.lipSync.audio(jobId)).toEqual([
        { id: 'dub', path: '/a/dub.wav', durationMs: 60_000 },
        { id: 'voice', path: '/a/voice2.wav', durationMs: 3500 },
      ]);
      expect(thrownCode(() => store.lipSync.addAudio('missing', { id: 'x', path: '/x', durationMs: 1 }))).toBe('E_JOB_NOT_FOUND');
    });
  });

  describe('settings', () => {
    it('stores JSON values, falls back when absent, and removes on undefined', () => {
      const { store } = setup();
      expect(store.settings.get('concurrency.cpu', 3)).toBe(3);
      store.settings.set('concurrency.cpu', 6);
      store.settings.set('ui', { theme: 'dark' });
      expect(store.settings.get('concurrency.cpu', 3)).toBe(6);
      expect(store.settings.get('ui', {})).toEqual({ theme: 'dark' });
      store.settings.set('ui', undefined);
      expect(store.settings.get('ui', null)).toBeNull();
      expect(store.jobs.isPaused()).toBe(false);
      store.jobs.setPaused(true);
      expect(store.settings.get('queue.paused', false)).toBe(true);
    });
  });
});
