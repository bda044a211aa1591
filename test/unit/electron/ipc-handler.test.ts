import { describe, expect, it, vi } from 'vitest';
import { apiArgumentSchemas, type ApiMethod, type ApiReply } from '../../../src-main/shared/contract.js';
import { RedubError, type RedubErrorData } from '../../../src-main/shared/errors.js';
import { createInvokeHandler, type ApiService, type InvokeSender } from '../../../src-main/electron/ipc-handler.js';

const jobId = '3b241101-e2bb-4255-8caf-4136c566a962';
const windowId = 7;
const appPage = 'app://redub/index.html';

/** A service whose every method records its arguments; tests replace one to make it throw. */
function fakeService(): { service: ApiService; calls: { method: string; args: unknown[] }[] } {
  const calls: { method: string; args: unknown[] }[] = [];
  const service = Object.fromEntries(
    (Object.keys(apiArgumentSchemas) as ApiMethod[]).map((method) => [
      method,
      vi.fn(async (...args: unknown[]) => {
        calls.push({ method, args });
        return { answeredBy: method };
      }),
    ]),
  ) as unknown as ApiService;
  return { service, calls };
}

function handlerFor(service: ApiService, trustedOrigins = ['app://redub'], currentWindow: number | null = windowId) {
  return createInvokeHandler(service, { trustedOrigins, windowWebContentsId: () => currentWindow });
}

const fromApp: InvokeSender = { webContentsId: windowId, frameUrl: appPage };

function errorOf(reply: ApiReply<unknown>): RedubErrorData {
  if (reply.ok) throw new Error(`expected a failure, got ${JSON.stringify(reply.value)}`);
  return reply.error;
}

/** Valid arguments for every method: each must reach the service. */
const validArguments = {
  createJobs: [{ input: '/videos/talk.mp4', to: ['es'] }],
  listJobs: [],
  getJob: [jobId],
  getLogs: [jobId, { afterId: 3 }],
  cancelJob: [jobId],
  retryJob: [jobId],
  deleteJob: [jobId],
  queueStatus: [],
  setQueuePaused: [true],
  getSettings: [],
  updateSettings: [{ maxSpeed: 1.2 }],
  previewSources: [jobId],
  getCues: [jobId],
  editCues: [jobId, { revision: 0, edits: [{ op: 'update', index: 0, targetText: 'Hola' }] }],
  renderJob: [jobId],
  replaceLipSync: [jobId, { segments: [{ id: 'lip-1', startMs: 0, endMs: 1000, audio: { refId: 'voice', cropStartMs: 0, cropEndMs: 1000 } }] }],
  replaceSpeakerVoices: [jobId, { voices: { SPEAKER_2: 'espeak:es+f3' } }],
  getWaveform: [jobId, { track: 'original', startMs: 0, endMs: 1000, pixels: 100 }],
  listModels: [],
  installModel: ['whisper-base'],
  importModel: ['whisper-base', '/media/usb/whisper-base.tar.gz'],
  verifyModel: ['nllb-200-distilled-600m'],
  removeModel: ['piper-es_es-davefx-medium'],
  getStats: [{ windowHours: 168 }],
} satisfies Record<ApiMethod, unknown[]>;

/** One invalid argument list for every method; the `satisfies` makes a new method need one here. */
const invalidArguments = {
  createJobs: [{ input: '', to: [] }],
  listJobs: [{ limit: 0 }],
  getJob: ['not-a-uuid'],
  getLogs: [jobId, { limit: -1 }],
  cancelJob: [42],
  retryJob: ['../../etc/passwd'],
  deleteJob: [],
  queueStatus: ['unexpected'],
  setQueuePaused: ['yes'],
  getSettings: [{ all: true }],
  updateSettings: [{ cpuWorkers: 0 }],
  previewSources: [null],
  getCues: ['not-a-job'],
  editCues: [jobId, { revision: 0, edits: [{ op: 'explode', index: 0 }] }],
  renderJob: [42],
  replaceLipSync: [jobId, { segments: [{ id: 'lip-1', startMs: 0, audio: { refId: 'voice' } }] }],
  replaceSpeakerVoices: [jobId, { voices: { SPEAKER_2: '' } }],
  getWaveform: [jobId, { track: 'original', startMs: 1000, endMs: 500, pixels: 100 }],
  listModels: [{ all: true }],
  installModel: ['../../etc'],
  importModel: ['whisper-base', ''],
  verifyModel: ['Whisper Base'],
  removeModel: [7],
  getStats: [{ windowHours: 0 }],
} satisfies Record<ApiMethod, unknown[]>;

describe('IPC handler: who may call', () => {
  const refused: [string, InvokeSender, number | null][] = [
    ['a page from another origin', { webContentsId: windowId, frameUrl: 'https://evil.example/page.html' }, windowId],
    ['a file:// page', { webContentsId: windowId, frameUrl: 'file:///home/someone/page.html' }, windowId],
    ['a frame that is gone (no frame URL)', { webContentsId: windowId, frameUrl: null }, windowId],
    ['another host on the app scheme', { webContentsId: windowId, frameUrl: 'app://elsewhere/index.html' }, windowId],
    ['a URL that does not parse', { webContentsId: windowId, frameUrl: 'not a url' }, windowId],
    ['the app page in another webContents', { webContentsId: windowId + 1, frameUrl: appPage }, windowId],
    ['anyone while there is no window', fromApp, null],
  ];
  it.each(refused)('refuses %s with E_UNAUTHORIZED and never calls the service', async (_name, sender, currentWindow) => {
    const { service, calls } = fakeService();
    const reply = await handlerFor(service, ['app://redub'], currentWindow)(sender, { method: 'getJob', args: [jobId] });
    expect(errorOf(reply).code).toBe('E_UNAUTHORIZED');
    expect(calls).toEqual([]);
  });

  it('accepts the dev server origin only when it is listed as trusted', async () => {
    const { service } = fakeService();
    const devPage: InvokeSender = { webContentsId: windowId, frameUrl: 'http://localhost:5173/' };
    expect((await handlerFor(service)(devPage, { method: 'queueStatus', args: [] })).ok).toBe(false);
    expect((await handlerFor(service, ['app://redub', 'http://localhost:5173'])(devPage, { method: 'queueStatus', args: [] })).ok).toBe(true);
  });
});

describe('IPC handler: what may be asked', () => {
  it('covers every method of the contract in its argument tables', () => {
    expect(Object.keys(invalidArguments).sort()).toEqual(Object.keys(apiArgumentSchemas).sort());
    expect(Object.keys(validArguments).sort()).toEqual(Object.keys(apiArgumentSchemas).sort());
  });

  it.each(Object.entries(invalidArguments))('rejects %s with an invalid argument as E_BAD_REQUEST naming the method', async (method, args) => {
    const { service, calls } = fakeService();
    const error = errorOf(await handlerFor(service)(fromApp, { method, args }));
    expect(error.code).toBe('E_BAD_REQUEST');
    expect(error.details?.length).toBeGreaterThan(0);
    expect(error.details?.[0]).toMatch(new RegExp(`^${method}: `));
    expect(calls).toEqual([]);
  });

  it.each(Object.entries(validArguments))('passes a valid %s call through to the service', async (method, args) => {
    const { service, calls } = fakeService();
    const reply = await handlerFor(service)(fromApp, { method, args });
    expect(reply).toEqual({ ok: true, value: { answeredBy: method } });
    expect(calls.map((call) => call.method)).toEqual([method]);
  });

  const malformed: [string, unknown][] = [
    ['an unknown method', { method: 'dropDatabase', args: [] }],
    ['onEvent (not a request-reply method)', { method: 'onEvent', args: [] }],
    ['a prototype key as method', { method: '__proto__', args: [] }],
    ['constructor as method', { method: 'constructor', args: [] }],
    ['toString as method', { method: 'toString', args: [] }],
    ['no args array', { method: 'getJob', args: jobId }],
    ['no method', { args: [] }],
    ['null', null],
    ['a string', 'getJob'],
  ];
  it.each(malformed)('rejects %s as E_BAD_REQUEST', async (_name, payload) => {
    const { service, calls } = fakeService();
    expect(errorOf(await handlerFor(service)(fromApp, payload)).code).toBe('E_BAD_REQUEST');
    expect(calls).toEqual([]);
  });

  it('hands the service the parsed arguments, with the schema defaults filled in', async () => {
    const { service, calls } = fakeService();
    await handlerFor(service)(fromApp, { method: 'listJobs', args: [{ search: 'talk' }] });
    expect(calls[0]?.args).toEqual([{ search: 'talk', limit: 100, offset: 0 }]);
  });
});

describe('IPC handler: errors cross as plain data', () => {
  it('wraps a thrown RedubError as {code, message, action, details} without a stack', async () => {
    const { service } = fakeService();
    vi.mocked(service.getJob).mockRejectedValue(new RedubError('E_JOB_NOT_FOUND', { details: [`job ${jobId}`] }));
    const reply = await handlerFor(service)(fromApp, { method: 'getJob', args: [jobId] });
    const error = errorOf(reply);
    expect(error).toEqual({ code: 'E_JOB_NOT_FOUND', message: 'There is no job with that id.', action: 'Run `redub jobs list` to see the jobs.', details: [`job ${jobId}`] });
    expect(Object.getPrototypeOf(error)).toBe(Object.prototype);
    expect(JSON.stringify(reply)).not.toMatch(/stack|at .*\.ts/);
    expect(structuredClone(reply)).toEqual(reply);
  });

  it('turns an unexpected Error into E_INTERNAL with its message, not its stack', async () => {
    const { service } = fakeService();
    vi.mocked(service.queueStatus).mockRejectedValue(new Error('database is locked'));
    const error = errorOf(await handlerFor(service)(fromApp, { method: 'queueStatus', args: [] }));
    expect(error.code).toBe('E_INTERNAL');
    expect(error.details).toEqual(['database is locked']);
    expect(Object.keys(error).sort()).toEqual(['action', 'code', 'details', 'message']);
  });

  it('carries a lip-sync refusal\'s violations, so the lane marks each segment as over HTTP', async () => {
    const { service } = fakeService();
    const violations = [{ segmentId: 'lip-1', rule: 'segment-limit', message: 'At most 1 lip-sync segment.' }];
    vi.mocked(service.replaceLipSync).mockRejectedValue(new RedubError('E_LIPSYNC_INVALID', { details: ['At most 1 lip-sync segment. [rule: segment-limit]'], violations }));
    const reply = await handlerFor(service)(fromApp, { method: 'replaceLipSync', args: [jobId, { segments: [] }] });
    expect(errorOf(reply)).toMatchObject({ code: 'E_LIPSYNC_INVALID', violations });
    expect(structuredClone(reply)).toEqual(reply);
  });

  it('keeps only the contract fields of error data that carries more', async () => {
    const { service } = fakeService();
    vi.mocked(service.getSettings).mockRejectedValue({ code: 'E_DISK_FULL', message: 'The disk is full.', action: 'Free some space.', stack: 'Error\n    at secret.ts:1', path: '/home/x' });
    const error = errorOf(await handlerFor(service)(fromApp, { method: 'getSettings', args: [] }));
    expect(error).toEqual({ code: 'E_DISK_FULL', message: 'The disk is full.', action: 'Free some space.' });
  });
});
