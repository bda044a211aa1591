import { beforeEach, describe, expect, it } from 'vitest';
import type { RedubEvent } from '../../../src-main/shared/contract.js';
import { applyJobEvents, countJobsByState, emptyJobsData, matchesSearch, mergeJobs, replaceJobs, visibleJobs } from '../../../src-renderer/stores/jobs-reducers.js';
import { useJobsStore } from '../../../src-renderer/stores/jobs-store.js';
import { jobSummary } from '../../helpers/job-fixtures.js';

const at = (seconds: number) => new Date(Date.UTC(2025, 0, 1, 10, 0, seconds)).toISOString();

describe('applyJobEvents', () => {
  it('keeps the newest state when an older update arrives late', () => {
    const newer = jobSummary({ id: 'a', state: 'running', progress: 50, updatedAt: at(10) });
    const older = { ...newer, state: 'queued' as const, progress: 0, updatedAt: at(5) };
    const data = applyJobEvents(emptyJobsData, [{ type: 'job.updated', job: newer }, { type: 'job.updated', job: older }]);
    expect(data.byId.a).toBe(newer);
  });

  it('takes an update with the same timestamp (the later arrival wins the tie)', () => {
    const first = jobSummary({ id: 'a', progress: 10, updatedAt: at(5) });
    const second = { ...first, progress: 11 };
    const data = applyJobEvents(emptyJobsData, [{ type: 'job.updated', job: first }, { type: 'job.updated', job: second }]);
    expect(data.byId.a?.progress).toBe(11);
  });

  it('removes a job, and a late update or list page does not bring it back', () => {
    const job = jobSummary({ id: 'a', updatedAt: at(1) });
    let data = applyJobEvents(emptyJobsData, [{ type: 'job.updated', job }, { type: 'job.removed', id: 'a' }]);
    expect(data.byId.a).toBeUndefined();
    data = applyJobEvents(data, [{ type: 'job.updated', job: { ...job, updatedAt: at(9) } }]);
    data = mergeJobs(data, [job]);
    expect(data.byId.a).toBeUndefined();
  });

  it('returns the same object when nothing changed, so subscribers do not render', () => {
    const job = jobSummary({ id: 'a', updatedAt: at(5) });
    const data = mergeJobs(emptyJobsData, [job]);
    expect(applyJobEvents(data, [{ type: 'job.updated', job: { ...job, updatedAt: at(1) } }])).toBe(data);
    const logOnly: RedubEvent[] = [{ type: 'job.log', jobId: 'a', entry: { id: 1, at: at(1), level: 'info', stage: null, message: 'x' } }];
    expect(applyJobEvents(data, logOnly)).toBe(data);
  });

  it('keeps the other jobs’ objects, so their rows do not render again', () => {
    const a = jobSummary({ id: 'a' });
    const b = jobSummary({ id: 'b' });
    const data = mergeJobs(emptyJobsData, [a, b]);
    const next = applyJobEvents(data, [{ type: 'job.updated', job: { ...a, progress: 5, updatedAt: at(30) } }]);
    expect(next.byId.b).toBe(b);
    expect(next.byId.a?.progress).toBe(5);
  });
});

describe('replaceJobs', () => {
  it('drops jobs the reload no longer lists but keeps those events brought in during the reload', () => {
    const gone = jobSummary({ id: 'gone', updatedAt: at(1) });
    const arrivedDuringReload = jobSummary({ id: 'new', updatedAt: at(20) });
    const stale = jobSummary({ id: 'kept', state: 'queued', updatedAt: at(2) });
    const fresher = { ...stale, state: 'running' as const, updatedAt: at(25) };
    const data = mergeJobs(emptyJobsData, [gone, arrivedDuringReload, fresher]);
    const next = replaceJobs(data, [stale], at(15));
    expect(Object.keys(next.byId).sort()).toEqual(['kept', 'new']);
    expect(next.byId.kept?.state).toBe('running');
  });
});

describe('filter and search', () => {
  const jobs = [
    jobSummary({ id: 'j1', input: '/v/Interview.mp4', language: 'es', state: 'running', createdAt: at(3) }),
    jobSummary({ id: 'j2', input: 'C:\\v\\keynote.mkv', language: 'fr', state: 'failed', createdAt: at(2), error: { code: 'E_NO_AUDIO_STREAM', message: 'm', action: 'a' } }),
    jobSummary({ id: 'j3', input: '/v/interview.mp4', language: 'fr', state: 'done', createdAt: at(1) }),
  ];
  const byId = mergeJobs(emptyJobsData, jobs).byId;

  it('shows every job, newest first, without a filter', () => {
    expect(visibleJobs(byId, { states: [], search: '' }).map((job) => job.id)).toEqual(['j1', 'j2', 'j3']);
  });

  it('filters by one or more states', () => {
    expect(visibleJobs(byId, { states: ['failed'], search: '' }).map((job) => job.id)).toEqual(['j2']);
    expect(visibleJobs(byId, { states: ['failed', 'done'], search: '' }).map((job) => job.id)).toEqual(['j2', 'j3']);
  });

  it('searches case-insensitively; every word must match', () => {
    expect(visibleJobs(byId, { states: [], search: 'INTERVIEW' }).map((job) => job.id)).toEqual(['j1', 'j3']);
    expect(visibleJobs(byId, { states: [], search: 'interview fr' }).map((job) => job.id)).toEqual(['j3']);
    expect(visibleJobs(byId, { states: ['running'], search: 'interview' }).map((job) => job.id)).toEqual(['j1']);
  });

  it('finds jobs by error code and by state words', () => {
    expect(matchesSearch(jobs[1]!, 'e_no_audio')).toBe(true);
    expect(matchesSearch(jobSummary({ state: 'retry_wait' }), 'retry wait')).toBe(true);
  });

  it('counts jobs per state', () => {
    expect(countJobsByState(byId)).toEqual({ queued: 0, running: 1, retry_wait: 0, done: 1, failed: 1, cancelled: 0 });
  });

  it('stays quick with 5,000 jobs', () => {
    const many = Array.from({ length: 5000 }, (_, index) => jobSummary({ input: `/v/clip-${index}.mp4`, createdAt: at(index % 60) }));
    const bigById = mergeJobs(emptyJobsData, many).byId;
    const started = performance.now();
    const found = visibleJobs(bigById, { states: ['queued'], search: 'clip-49' });
    expect(found.length).toBe(111); // clip-49 and clip-490…clip-499 and clip-4900…clip-4999
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('useJobsStore', () => {
  beforeEach(() => {
    useJobsStore.setState({ byId: {}, removed: new Set(), loaded: false, filter: { states: [], search: '' }, selectedId: null });
  });

  it('applies events and toggles state filters', () => {
    const job = jobSummary({ id: 'a' });
    useJobsStore.getState().applyEvents([{ type: 'job.updated', job }]);
    expect(useJobsStore.getState().byId.a).toBe(job);
    useJobsStore.getState().toggleStateFilter('failed');
    useJobsStore.getState().toggleStateFilter('done');
    expect(useJobsStore.getState().filter.states).toEqual(['failed', 'done']);
    useJobsStore.getState().toggleStateFilter('failed');
    expect(useJobsStore.getState().filter.states).toEqual(['done']);
    useJobsStore.getState().clearStateFilter();
    expect(useJobsStore.getState().filter.states).toEqual([]);
  });

  it('marks the list loaded after the first full reload', () => {
    useJobsStore.getState().replaceJobs([jobSummary({ id: 'a' })], at(0));
    expect(useJobsStore.getState().loaded).toBe(true);
    expect(Object.keys(useJobsStore.getState().byId)).toEqual(['a']);
  });
});
