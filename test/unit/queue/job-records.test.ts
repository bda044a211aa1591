import { afterEach, describe, expect, it } from 'vitest';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { RedubError } from '../../../src-main/shared/errors.js';
import { stageNames, type CueRecord } from '../../../src-main/shared/jobs.js';
import type { LipSyncSegment } from '../../../src-main/shared/lipsync.js';
import { createStore, newJob, type StoreFixture } from './store-fixture.js';
import { thrownCode } from '../../helpers/errors.js';

function cue(index: number, overrides: Partial<CueRecord> = {}): CueRecord {
  return {
    index, startMs: index * 1000, endMs: index * 1000 + 900, sourceText: `line ${index}`, targetText: `línea ${index}`,
    speedFactor: null, placedStartMs: null, placedEndMs: null, flag: null, ...overrides,
  };
}


describe('JobStore per-job records', () => {
  const directory = useTemporaryDirectory();
  let fixture: StoreFixture;
  afterEach(() => fixture.close());

  function setup() {
    fixture = createStore(directory());
    return { store: fixture.store, jobId: fixture.store.enqueue(newJob()).job.id };
  }

  describe('stages', () => {
    it('reads every stage in pipeline order, unwritten ones as pending', () => {
      const { store, jobId } = setup();
      const stages = store.stages(jobId);
      expect(stages.map((stage) => stage.name)).toEqual([...stageNames]);
      expect(stages[3]).toEqual({ name: 'transcribe', state: 'pending', progress: 0, reused: false, ms: null, attempts: 0, executionProvider: null, error: null });
    });

    it('merges patches, keeping fields a patch does not mention and honouring explicit nulls', () => {
      const { store, jobId } = setup();
      const error = new RedubError('E_VAD_FAILED').toData();
      store.upsertStage(jobId, 'vad', { state: 'running', startedMs: 10, attempts: 1, executionProvider: 'cuda', artifactKey: 'k1' });
      store.upsertStage(jobId, 'vad', { state: 'failed', error });
      expect(store.stages(jobId)[2]).toMatchObject({ state: 'failed', attempts: 1, executionProvider: 'cuda', error });
      store.upsertStage(jobId, 'vad', { state: 'done', progress: 100, reused: true, durationMs: 250, error: null, executionProvider: null });
      expect(store.stages(jobId)[2]).toEqual({ name: 'vad', state: 'done', progress: 100, reused: true, ms: 250, attempts: 1, executionProvider: null, error: null });
      expect(store.stageArtifactKey(jobId, 'vad')).toBe('k1');
      store.resetStages(jobId);
      expect(store.stages(jobId)[2]!.state).toBe('pending');
    });

    it('refuses stages for a job that does not exist', () => {
      const { store } = setup();
      expect(thrownCode(() => store.upsertStage('missing', 'probe', { state: 'done' }))).toBe('E_JOB_NOT_FOUND');
    });
  });

  describe('cues', () => {
    it('replaces the whole list and reads it in index order', () => {
      const { store, jobId } = setup();
      store.replaceCues(jobId, [cue(2), cue(0), cue(1)]);
      expect(store.cues(jobId).map((row) => row.index)).toEqual([0, 1, 2]);
      store.replaceCues(jobId, [cue(0, { targetText: 'nuevo' })]);
      expect(store.cues(jobId)).toEqual([cue(0, { targetText: 'nuevo' })]);
    });

    it('patches named cues and leaves the rest', () => {
      const { store, jobId } = setup();
      store.replaceCues(jobId, [cue(0), cue(1)]);
      store.updateCues(jobId, [{ index: 1, targetText: 'editado', speedFactor: 1.2, placedStartMs: 1000, placedEndMs: 1800, flag: 'overflow' }]);
      expect(store.cues(jobId)).toEqual([cue(0), cue(1, { targetText: 'editado', speedFactor: 1.2, placedStartMs: 1000, placedEndMs: 1800, flag: 'overflow' })]);
    });

    it('changes nothing when one patch names a cue that does not exist (E_CUE_NOT_FOUND)', () => {
      const { store, jobId } = setup();
      store.replaceCues(jobId, [cue(0)]);
      expect(thrownCode(() => store.updateCues(jobId, [{ index: 0, targetText: 'x' }, { index: 7, targetText: 'y' }]))).toBe('E_CUE_NOT_FOUND');
      expect(store.cues(jobId)).toEqual([cue(0)]);
    });
  });

  describe('logs', () => {
    it('pages forward from the last id seen', () => {
      const { store, jobId } = setup();
      const other = store.enqueue(newJob()).job.id;
      const ids = [1, 2, 3, 4, 5].map((n) => store.log(jobId, n === 5 ? 'error' : 'info', n === 1 ? null : 'extract', `line ${n}`)!);
      store.log(other, 'info', null, 'not mine');
      const firstPage = store.logs(jobId, { limit: 2 });
      expect(firstPage.map((line) => line.message)).toEqual(['line 1', 'line 2']);
      expect(firstPage[0]).toEqual({ id: ids[0], at: new Date(fixture.clock.now).toISOString(), level: 'info', stage: null, message: 'line 1' });
      const secondPage = store.logs(jobId, { afterId: firstPage.at(-1)!.id, limit: 2 });
      expect(secondPage.map((line) => line.message)).toEqual(['line 3', 'line 4']);
      const rest = store.logs(jobId, { afterId: secondPage.at(-1)!.id });
      expect(rest).toMatchObject([{ message: 'line 5', level: 'error', stage: 'extract' }]);
      expect(store.logs(jobId, { afterId: rest[0]!.id })).toEqual([]);
    });

    it('drops a line for a job that no longer exists instead of throwing', () => {
      const { store } = setup();
      expect(store.log('deleted-job', 'warn', null, 'late line')).toBeNull();
    });
  });

  describe('artifacts', () => {
    it('upserts by key, keeps the creation time, and touches the last use', () => {
      const { store } = setup();
      const created = fixture.clock.now;
      store.recordArtifact({ key: 'a1', stage: 'extract', path: '/cache/a1.wav', bytes: 100 });
      fixture.clock.now += 1000;
      store.recordArtifact({ key: 'a1', stage: 'extract', path: '/cache/a1b.wav', bytes: 120 });
      expect(store.artifact('a1')).toEqual({ key: 'a1', stage: 'extract', path: '/cache/a1b.wav', bytes: 120, createdMs: created, lastUsedMs: created + 1000 });
      store.recordArtifact({ key: 'a2', stage: 'vad', path: '/cache/a2.json', bytes: 5 });
      fixture.clock.now += 1000;
      expect(store.touchArtifact('a1')).toBe(true);
      expect(store.touchArtifact('nope')).toBe(false);
      expect(store.artifacts().map((artifact) => artifact.key)).toEqual(['a2', 'a1']);
      expect(store.deleteArtifact('a2')).toBe(true);
      expect(store.artifact('a2')).toBeNull();
    });
  });

  describe('lip-sync segments and audio refs', () => {
    it('replaces segments and reads them back in time order', () => {
      const { store, jobId } = setup();
      const segments: LipSyncSegment[] = [
        { id: 'b', startMs: 5000, endMs: 6000, audio: { refId: 'dub' }, fit: false },
        { id: 'a', startMs: 1000, endMs: 2000, audio: { refId: 'voice', cropStartMs: 100, cropEndMs: 1100 }, fit: true },
      ];
      store.replaceLipSyncSegments(jobId, segments);
      expect(store.lipSyncSegments(jobId)).toEqual([segments[1], segments[0]]);
      store.replaceLipSyncSegments(jobId, []);
      expect(store.lipSyncSegments(jobId)).toEqual([]);
    });

    it('keeps one audio ref per id', () => {
      const { store, jobId } = setup();
      store.addAudioRef(jobId, { id: 'voice', path: '/a/voice.wav', durationMs: 3000 });
      store.addAudioRef(jobId, { id: 'dub', path: '/a/dub.wav', durationMs: 60_000 });
      store.addAudioRef(jobId, { id: 'voice', path: '/a/voice2.wav', durationMs: 3500 });
      expect(store.audioRefs(jobId)).toEqual([
        { id: 'dub', path: '/a/dub.wav', durationMs: 60_000 },
        { id: 'voice', path: '/a/voice2.wav', durationMs: 3500 },
      ]);
      expect(thrownCode(() => store.addAudioRef('missing', { id: 'x', path: '/x', durationMs: 1 }))).toBe('E_JOB_NOT_FOUND');
    });
  });

  describe('settings', () => {
    it('stores JSON values, falls back when absent, and removes on undefined', () => {
      const { store } = setup();
      expect(store.getSetting('concurrency.cpu', 3)).toBe(3);
      store.setSetting('concurrency.cpu', 6);
      store.setSetting('ui', { theme: 'dark' });
      expect(store.getSetting('concurrency.cpu', 3)).toBe(6);
      expect(store.getSetting('ui', {})).toEqual({ theme: 'dark' });
      store.setSetting('ui', undefined);
      expect(store.getSetting('ui', null)).toBeNull();
      expect(store.isPaused()).toBe(false);
      store.setPaused(true);
      expect(store.getSetting('queue.paused', false)).toBe(true);
    });
  });
});
