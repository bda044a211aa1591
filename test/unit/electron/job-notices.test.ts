import { describe, expect, it } from 'vitest';
import type { JobState, JobSummary } from '../../../src-main/shared/jobs.js';
import { JobNotices } from '../../../src-main/electron/job-notices.js';
import { jobSummary } from '../../helpers/job-fixtures.js';

function job(state: JobState, overrides: Partial<JobSummary> = {}): JobSummary {
  return jobSummary({ id: 'job-1', state, progress: state === 'done' ? 1 : 0.5, attempts: 1, ...overrides });
}

const updated = (summary: JobSummary) => ({ type: 'job.updated' as const, job: summary });

describe('job notifications', () => {
  it('announces a finished job once, with its file and language', () => {
    const notices = new JobNotices();
    expect(notices.noticeFor(updated(job('running')))).toBeNull();
    const notice = notices.noticeFor(updated(job('done')));
    expect(notice).toEqual({ jobId: 'job-1', title: 'Dub finished', body: 'talk.mp4 → Spanish' });
    expect(notices.noticeFor(updated(job('done')))).toBeNull();
    expect(notices.noticeFor(updated(job('done', { updatedAt: '2025-01-01T00:01:00Z' })))).toBeNull();
  });

  it('announces a failure with the error sentence', () => {
    const notices = new JobNotices();
    const error = { code: 'E_FFMPEG_FAILED' as const, message: 'ffmpeg failed while processing the media.', action: 'Retry.' };
    const notice = notices.noticeFor(updated(job('failed', { input: 'C:\\Videos\\clip.mkv', language: 'fr', error })));
    expect(notice?.title).toBe('Dub failed');
    expect(notice?.body).toBe('clip.mkv → French\nffmpeg failed while processing the media.');
  });

  it('announces each terminal state at most once per job, across retries', () => {
    const notices = new JobNotices();
    expect(notices.noticeFor(updated(job('failed')))?.title).toBe('Dub failed');
    expect(notices.noticeFor(updated(job('queued')))).toBeNull();
    expect(notices.noticeFor(updated(job('running')))).toBeNull();
    expect(notices.noticeFor(updated(job('failed')))).toBeNull();
    expect(notices.noticeFor(updated(job('done')))?.title).toBe('Dub finished');
    expect(notices.noticeFor(updated(job('done')))).toBeNull();
  });

  it('keeps jobs apart, ignores cancellations and other events, and forgets removed jobs', () => {
    const notices = new JobNotices();
    expect(notices.noticeFor(updated(job('done')))).not.toBeNull();
    expect(notices.noticeFor(updated(job('done', { id: 'job-2' })))).not.toBeNull();
    expect(notices.noticeFor(updated(job('cancelled', { id: 'job-3' })))).toBeNull();
    expect(notices.noticeFor({ type: 'queue.updated', queue: { paused: false, depth: 0, counts: { queued: 0, running: 0, retry_wait: 0, done: 2, failed: 0, cancelled: 1 } } })).toBeNull();
    expect(notices.noticeFor({ type: 'job.removed', id: 'job-1' })).toBeNull();
    expect(notices.noticeFor(updated(job('done')))).not.toBeNull();
  });

  it('falls back to the language code when it has no name', () => {
    expect(new JobNotices().noticeFor(updated(job('done', { language: 'zz-unknown' })))?.body).toBe('talk.mp4 → zz-unknown');
  });
});
