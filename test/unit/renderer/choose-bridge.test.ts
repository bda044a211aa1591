import { describe, expect, it, vi } from 'vitest';
import type { RedubApi } from '../../../src-main/shared/contract.js';
import { ApiError } from '../../../src-renderer/bridge/api-error.js';
import { chooseBridge, draftToPaths } from '../../../src-renderer/bridge/choose-bridge.js';
import { diskFile } from '../../../src-renderer/bridge/files.js';
import { jobSummary } from '../../helpers/job-fixtures.js';

function fakeIpcApi(overrides: Partial<RedubApi> = {}): RedubApi {
  const unused = () => Promise.reject(new Error('not used in this test'));
  return {
    createJobs: vi.fn(async () => ({ jobs: [jobSummary()] })),
    listJobs: unused,
    getJob: unused,
    getLogs: unused,
    cancelJob: unused,
    retryJob: unused,
    deleteJob: unused,
    queueStatus: unused,
    setQueuePaused: unused,
    getSettings: unused,
    updateSettings: unused,
    previewSources: unused,
    listModels: unused,
    installModel: unused,
    importModel: unused,
    verifyModel: unused,
    removeModel: unused,
    onEvent: () => () => undefined,
    ...overrides,
  } as RedubApi;
}

const pathsByName: Record<string, string> = { 'talk.mp4': '/v/talk.mp4', 'talk.srt': '/v/talk.srt', 'talk.es.srt': '/v/talk.es.srt' };
const redubFiles = { pathFor: (file: File) => pathsByName[file.name] ?? '' };

describe('chooseBridge', () => {
  it('uses the preload’s window.redub when there is one', () => {
    expect(chooseBridge({ redub: fakeIpcApi() }).kind).toBe('ipc');
  });

  it('uses the HTTP API in a plain browser page', () => {
    expect(chooseBridge({}).kind).toBe('http');
  });

  it('turns an IPC rejection into an ApiError with the code and action', async () => {
    const bridge = chooseBridge({ redub: fakeIpcApi({ cancelJob: () => Promise.reject({ name: 'RedubError', code: 'E_JOB_STATE', message: 'Job is done.', action: 'Nothing to cancel.' }) }) });
    const error = await bridge.api.cancelJob('x').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).data).toEqual({ code: 'E_JOB_STATE', message: 'Job is done.', action: 'Nothing to cancel.' });
  });

  it('passes the model methods through IPC, with their errors as ApiErrors', async () => {
    const importModel = vi.fn(async () => Promise.reject(new Error('Error invoking remote method: {"code":"E_BAD_REQUEST","message":"No pack there.","action":"Name the pack folder."}')));
    const verifyModel = vi.fn(async (id: string) => ({ id, ok: true, problems: [] }));
    const bridge = chooseBridge({ redub: fakeIpcApi({ importModel, verifyModel }) });
    await expect(bridge.api.verifyModel('vad')).resolves.toEqual({ id: 'vad', ok: true, problems: [] });
    const error = await bridge.api.importModel('vad', '/p').catch((caught: unknown) => caught);
    expect(importModel).toHaveBeenCalledWith('vad', '/p');
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).data).toEqual({ code: 'E_BAD_REQUEST', message: 'No pack there.', action: 'Name the pack folder.' });
  });

  it('queues by path in Electron', async () => {
    const api = fakeIpcApi();
    const bridge = chooseBridge({ redub: api, redubFiles });
    await bridge.submitJobs({ video: new File(['v'], 'talk.mp4'), to: ['es'], translations: {} });
    expect(api.createJobs).toHaveBeenCalledWith({ input: '/v/talk.mp4', to: ['es'] });
  });
});

describe('draftToPaths', () => {
  it('names every file by its path on disk', () => {
    const draft = { video: new File(['v'], 'talk.mp4'), to: ['es'], from: 'en', subtitles: new File(['s'], 'talk.srt'), translations: { es: new File(['t'], 'talk.es.srt') } };
    expect(draftToPaths(draft, { redubFiles })).toEqual({ input: '/v/talk.mp4', to: ['es'], from: 'en', subtitles: '/v/talk.srt', translations: { es: '/v/talk.es.srt' } });
  });

  it('takes paths handed over by the desktop app as they are', () => {
    expect(draftToPaths({ video: diskFile('/home/me/a.mkv'), to: ['fr'], translations: {} }, {})).toEqual({ input: '/home/me/a.mkv', to: ['fr'] });
  });

  it('refuses a file with no path, saying which one', () => {
    const error = (() => {
      try {
        draftToPaths({ video: new File(['v'], 'pasted.mp4'), to: ['es'], translations: {} }, { redubFiles });
      } catch (caught) {
        return caught as ApiError;
      }
      return null;
    })();
    expect(error?.code).toBe('E_INPUT_UNREADABLE');
    expect(error?.message).toContain('pasted.mp4');
  });
});
