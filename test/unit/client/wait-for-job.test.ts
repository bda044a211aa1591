import { describe, expect, it } from 'vitest';
import type { ClientEvent, JobDetails, JobState, SubscribeOptions } from '../../../src-main/shared/client/index.js';
import { RedubApiError } from '../../../src-main/shared/client/index.js';
import { waitForJob, type JobWaitHost } from '../../../src-main/shared/client/wait-for-job.js';
import { jobSummary } from '../../helpers/job-fixtures.js';
import { tick, until } from './fake-fetch.js';

/** A host whose job state and event stream the test drives. */
function fakeHost(initial: JobState) {
  let state: JobState = initial;
  let error: JobDetails['error'] = null;
  let unreachable = false;
  const reads: JobState[] = [];
  let listener: ((event: ClientEvent) => void) | null = null;
  let options: SubscribeOptions = {};
  let unsubscribed = 0;
  const job = () => ({ ...jobSummary(), id: 'job-1', state, error }) as unknown as JobDetails;
  const host: JobWaitHost = {
    getJob: async () => {
      reads.push(state);
      if (unreachable) throw new RedubApiError({ code: 'E_API_UNREACHABLE', message: 'Gone.', action: 'Wait.' });
      return job();
    },
    subscribe: (next, subscribeOptions = {}) => {
      listener = next;
      options = subscribeOptions;
      return { unsubscribe: () => (unsubscribed += 1), lastEventId: null };
    },
  };
  return {
    host,
    reads,
    set: (next: JobState, nextError: JobDetails['error'] = null) => {
      state = next;
      error = nextError;
    },
    down: (value: boolean) => (unreachable = value),
    emit: (event: ClientEvent) => listener!(event),
    connection: (value: 'open' | 'lost') => options.onConnection?.(value),
    fail: (apiError: RedubApiError) => options.onError?.(apiError),
    unsubscribed: () => unsubscribed,
    job,
  };
}

describe('waitForJob', () => {
  it('reads the job once the stream opens, and resolves with its details when it is already done', async () => {
    const fake = fakeHost('done');
    const waiting = waitForJob(fake.host, 'job-1');
    expect(fake.reads).toEqual([]);
    fake.connection('open');
    await expect(waiting).resolves.toMatchObject({ id: 'job-1', state: 'done' });
    expect(fake.unsubscribed()).toBe(1);
  });

  it('waits through running and resolves on the job.updated that says done', async () => {
    const fake = fakeHost('running');
    const waiting = waitForJob(fake.host, 'job-1');
    fake.connection('open');
    await until(() => fake.reads.length === 1);
    fake.emit({ type: 'job.updated', job: { ...fake.job(), state: 'running' } });
    fake.emit({ type: 'job.updated', job: { ...fake.job(), id: 'other', state: 'done' } });
    await tick();
    expect(fake.reads).toEqual(['running']); // neither event says this job ended
    fake.set('done');
    fake.emit({ type: 'job.updated', job: fake.job() });
    await expect(waiting).resolves.toMatchObject({ state: 'done' });
  });

  it('reads the job again on every reconnect and on resync, so a missed event cannot hang it', async () => {
    const fake = fakeHost('running');
    const waiting = waitForJob(fake.host, 'job-1');
    fake.connection('open');
    await until(() => fake.reads.length === 1);
    fake.connection('lost');
    fake.set('retry_wait');
    fake.connection('open'); // the done event, if any, was sent while we were away
    await until(() => fake.reads.length === 2);
    fake.set('done');
    fake.emit({ type: 'resync', reason: 'The server restarted.' });
    await expect(waiting).resolves.toMatchObject({ state: 'done' });
    expect(fake.reads).toEqual(['running', 'retry_wait', 'done']);
  });

  it('rejects with the job’s own error when it failed, and E_CANCELLED when it was cancelled', async () => {
    const failed = fakeHost('failed');
    failed.set('failed', { code: 'E_NO_AUDIO_STREAM', message: 'No audio.', action: 'Pick another video.' });
    const failing = waitForJob(failed.host, 'job-1');
    failed.connection('open');
    const error = (await failing.catch((caught: unknown) => caught)) as RedubApiError;
    expect(error).toBeInstanceOf(RedubApiError);
    expect(error.data).toEqual({ code: 'E_NO_AUDIO_STREAM', message: 'No audio.', action: 'Pick another video.' });

    const cancelled = fakeHost('cancelled');
    const cancelling = waitForJob(cancelled.host, 'job-1');
    cancelled.connection('open');
    await expect(cancelling).rejects.toMatchObject({ code: 'E_CANCELLED' });
  });

  it('keeps waiting while the server cannot be reached, and looks again when it is back', async () => {
    const fake = fakeHost('running');
    fake.down(true);
    const waiting = waitForJob(fake.host, 'job-1');
    fake.connection('open');
    await until(() => fake.reads.length === 1);
    fake.down(false);
    fake.set('done');
    fake.connection('lost');
    fake.connection('open');
    await expect(waiting).resolves.toMatchObject({ state: 'done' });
  });

  it('rejects when the job is gone (a 404 reading it) or the stream is refused for good', async () => {
    const gone = fakeHost('running');
    gone.host.getJob = async () => {
      throw new RedubApiError({ code: 'E_JOB_NOT_FOUND', message: 'No job.', action: 'List them.' }, 404);
    };
    const waiting = waitForJob(gone.host, 'job-1');
    gone.emit({ type: 'job.removed', id: 'job-1' });
    await expect(waiting).rejects.toMatchObject({ code: 'E_JOB_NOT_FOUND', status: 404 });

    const refused = fakeHost('running');
    const refusedWait = waitForJob(refused.host, 'job-1');
    refused.fail(new RedubApiError({ code: 'E_UNAUTHORIZED', message: 'No token.', action: 'Send it.' }, 401));
    await expect(refusedWait).rejects.toMatchObject({ code: 'E_UNAUTHORIZED' });
  });

  it('gives up after timeoutMs, and at once when the caller aborts', async () => {
    const slow = fakeHost('running');
    const timed = waitForJob(slow.host, 'job-1', { timeoutMs: 30 });
    slow.connection('open');
    await expect(timed).rejects.toMatchObject({ code: 'E_API_TIMEOUT', message: 'Job job-1 did not finish within 30 ms.' });
    expect(slow.unsubscribed()).toBe(1);

    const controller = new AbortController();
    const aborted = waitForJob(fakeHost('running').host, 'job-1', { signal: controller.signal });
    controller.abort(new Error('stop waiting'));
    await expect(aborted).rejects.toThrow('stop waiting');
  });
});
