import { describe, expect, it, vi } from 'vitest';
import { apiArgumentSchemas, type ApiReply, type RedubEvent } from '../../../src-main/shared/contract.js';
import { ipcChannels as mainChannels } from '../../../src-main/electron/channels.js';
import { ipcChannels as preloadChannels } from '../../../src-preload/channels.js';
import { apiMethods, createRedubApi, PathsInbox, type ApiTransport } from '../../../src-preload/api-proxy.js';

function transportAnswering(reply: ApiReply<unknown> | Promise<never>): ApiTransport & { invoke: ReturnType<typeof vi.fn> } {
  return { invoke: vi.fn(async () => reply), subscribe: vi.fn(() => () => undefined) };
}

describe('preload API proxy', () => {
  it('speaks the same channels as the main process', () => {
    expect(preloadChannels).toEqual(mainChannels);
  });

  it('offers every request-reply method of the contract', () => {
    expect([...apiMethods].sort()).toEqual(Object.keys(apiArgumentSchemas).sort());
    const api = createRedubApi(transportAnswering({ ok: true, value: null }));
    for (const method of apiMethods) expect(typeof api[method]).toBe('function');
    expect(typeof api.onEvent).toBe('function');
  });

  it('sends {method, args} on the one channel and resolves with the value', async () => {
    const transport = transportAnswering({ ok: true, value: { paused: true } });
    const api = createRedubApi(transport);
    await expect(api.setQueuePaused(true)).resolves.toEqual({ paused: true });
    expect(transport.invoke).toHaveBeenCalledWith({ method: 'setQueuePaused', args: [true] });
    await api.listJobs();
    expect(transport.invoke).toHaveBeenLastCalledWith({ method: 'listJobs', args: [] });
  });

  it('rejects a failure with a plain error-like object that keeps code, message and action', async () => {
    const api = createRedubApi(transportAnswering({ ok: false, error: { code: 'E_JOB_NOT_FOUND', message: 'There is no job with that id.', action: 'List the jobs.', details: ['x'] } }));
    const failure = await api.getJob('x').then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toEqual({ name: 'RedubError', code: 'E_JOB_NOT_FOUND', message: 'There is no job with that id.', action: 'List the jobs.', details: ['x'] });
    // A plain object: the context bridge copies its fields, where it would drop an Error's extra ones.
    expect(Object.getPrototypeOf(failure)).toBe(Object.prototype);
  });

  it('keeps a lip-sync refusal\'s violations, dropping any without the shape an editor reads', async () => {
    const violations = [{ segmentId: 'lip-2', rule: 'no-overlap', message: 'Segment "lip-2" overlaps segment "lip-1".' }];
    const api = createRedubApi(transportAnswering({ ok: false, error: { code: 'E_LIPSYNC_INVALID', message: 'A lip-sync segment breaks a rule.', action: 'Fix it.', violations: [...violations, { rule: 3 }] as typeof violations } }));
    await expect(api.replaceLipSync('x', { segments: [] })).rejects.toEqual({ name: 'RedubError', code: 'E_LIPSYNC_INVALID', message: 'A lip-sync segment breaks a rule.', action: 'Fix it.', violations });
  });

  it('turns a broken reply or a failed invoke into E_INTERNAL', async () => {
    await expect(createRedubApi(transportAnswering({ nonsense: true } as unknown as ApiReply<unknown>)).queueStatus()).rejects.toMatchObject({ code: 'E_INTERNAL' });
    await expect(createRedubApi(transportAnswering(Promise.reject(new Error('No handler registered')))).queueStatus()).rejects.toMatchObject({ code: 'E_INTERNAL', name: 'RedubError' });
  });

  it('subscribes to events through the transport and returns its unsubscribe', () => {
    const unsubscribe = vi.fn();
    let deliver: ((event: RedubEvent) => void) | null = null;
    const api = createRedubApi({
      invoke: vi.fn(),
      subscribe: (listener) => {
        deliver = listener;
        return unsubscribe;
      },
    });
    const seen: RedubEvent[] = [];
    const stop = api.onEvent((event) => seen.push(event));
    deliver!({ type: 'job.removed', id: 'a' });
    expect(seen).toEqual([{ type: 'job.removed', id: 'a' }]);
    stop();
    expect(unsubscribe).toHaveBeenCalled();
  });
});

describe('paths inbox', () => {
  it('keeps paths that arrive before anyone listens, then hands them to the first listener', () => {
    const inbox = new PathsInbox();
    inbox.receive(['/videos/a.mp4']);
    inbox.receive(['/videos/b.mp4']);
    const listener = vi.fn();
    inbox.subscribe(listener);
    expect(listener).toHaveBeenCalledWith(['/videos/a.mp4', '/videos/b.mp4']);
    inbox.receive(['/videos/c.mp4']);
    expect(listener).toHaveBeenLastCalledWith(['/videos/c.mp4']);
  });

  it('ignores anything that is not a list of paths, and stops after unsubscribe', () => {
    const inbox = new PathsInbox();
    const listener = vi.fn();
    const stop = inbox.subscribe(listener);
    inbox.receive('not a list');
    inbox.receive([42, '', null]);
    expect(listener).not.toHaveBeenCalled();
    stop();
    inbox.receive(['/videos/d.mp4']);
    expect(listener).not.toHaveBeenCalled();
  });
});
