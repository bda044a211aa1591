import { beforeEach, describe, expect, it } from 'vitest';
import type { ModelPackInfo, ModelTask, RedubEvent } from '../../../src-main/shared/contract.js';
import { applyEventBatch } from '../../../src-renderer/app/sync.js';
import {
  applyModelEvents,
  applyStartedTask,
  beginModelsLoad,
  emptyModelsData,
  markRemoved,
  packsByKind,
  replaceModels,
  setPack,
  taskPercent,
} from '../../../src-renderer/stores/models-reducers.js';
import { loadModels, useModelsStore } from '../../../src-renderer/stores/models-store.js';

function pack(overrides: Partial<ModelPackInfo> = {}): ModelPackInfo {
  return {
    id: 'whisper-small',
    kind: 'asr',
    name: 'Whisper small',
    engine: 'whisper',
    languages: ['en'],
    license: 'MIT',
    sourceUrl: 'https://example.org/whisper',
    minMemoryMb: 1024,
    sizeBytes: 1000,
    installed: false,
    installedAt: null,
    notes: null,
    ...overrides,
  };
}

function task(overrides: Partial<ModelTask> = {}): ModelTask {
  return { packId: 'whisper-small', state: 'running', bytesDone: 0, bytesTotal: 1000, file: 'model.bin', error: null, ...overrides };
}

const updated = (t: ModelTask, p: ModelPackInfo | null = null): RedubEvent => ({ type: 'model.updated', task: t, pack: p });

const listed = (packs: ModelPackInfo[], tasks: ModelTask[] = []) => replaceModels(emptyModelsData, { packs, tasks });

describe('applyModelEvents', () => {
  it('keeps the latest task of each pack as progress arrives', () => {
    const data = applyModelEvents(listed([pack()]), [updated(task({ bytesDone: 100 })), updated(task({ bytesDone: 400, file: 'vocab.json' }))]);
    expect(data.tasks['whisper-small']).toMatchObject({ state: 'running', bytesDone: 400, file: 'vocab.json' });
    expect(taskPercent(data.tasks['whisper-small']!)).toBe(40);
    expect(data.packs['whisper-small']!.installed).toBe(false);
  });

  it('replaces the pack info when a task finishes with one', () => {
    const installed = pack({ installed: true, installedAt: '2025-01-01T10:00:00.000Z' });
    const data = applyModelEvents(listed([pack()]), [updated(task({ bytesDone: 500 })), updated(task({ state: 'done', bytesDone: 1000, file: null }), installed)]);
    expect(data.packs['whisper-small']).toBe(installed);
    expect(data.tasks['whisper-small']!.state).toBe('done');
    expect(data.order).toEqual(['whisper-small']);
  });

  it('applies a removal made elsewhere: the catalog pack uninstalled, an imported-only pack gone', () => {
    const installed = pack({ installed: true, installedAt: '2025-01-01T10:00:00.000Z' });
    const extra = pack({ id: 'own-pack', installed: true });
    const start = applyModelEvents(listed([installed, extra]), [updated(task({ state: 'done', bytesDone: 1000, file: null }), installed)]);
    const uninstalled = { ...installed, installed: false, installedAt: null };
    const data = applyModelEvents(start, [
      { type: 'model.removed', id: 'whisper-small', pack: uninstalled },
      { type: 'model.removed', id: 'own-pack', pack: null },
    ]);
    expect(data.packs['whisper-small']).toEqual(uninstalled);
    expect(data.tasks['whisper-small']).toBeUndefined();
    expect(data.packs['own-pack']).toBeUndefined();
    expect(data.order).toEqual(['whisper-small']);
  });

  it('keeps a failed task with its error and leaves the pack as it was', () => {
    const error = { code: 'E_INTERNAL' as const, message: 'The download stopped.', action: 'Try again.' };
    const before = listed([pack()]);
    const data = applyModelEvents(before, [updated(task({ state: 'failed', error }))]);
    expect(data.tasks['whisper-small']!.error).toEqual(error);
    expect(data.packs).toBe(before.packs);
  });

  it('adds a pack it did not know at the end of the order', () => {
    const data = applyModelEvents(listed([pack()]), [updated(task({ packId: 'piper-de', state: 'done' }), pack({ id: 'piper-de', kind: 'tts' }))]);
    expect(data.order).toEqual(['whisper-small', 'piper-de']);
  });

  it('returns the same object when no event is about models', () => {
    const data = listed([pack()]);
    expect(applyModelEvents(data, [{ type: 'job.removed', id: 'x' }])).toBe(data);
  });
});

describe('taskPercent', () => {
  it('is null while the total is unknown (an indeterminate bar)', () => {
    expect(taskPercent(task({ bytesTotal: null, bytesDone: 5 }))).toBeNull();
    expect(taskPercent(task({ bytesTotal: 0 }))).toBeNull();
    expect(taskPercent(task({ bytesTotal: 100, bytesDone: 150 }))).toBe(100);
  });
});

describe('replaceModels', () => {
  it('takes the list’s packs in catalog order and its tasks', () => {
    const data = listed([pack({ id: 'b' }), pack({ id: 'a' })], [task({ packId: 'a' }), task({ packId: 'gone' })]);
    expect(data.order).toEqual(['b', 'a']);
    expect(Object.keys(data.tasks)).toEqual(['a']);
  });

  it('keeps what events brought in while the list was loading', () => {
    let data = beginModelsLoad(listed([pack()]));
    const installed = pack({ installed: true, installedAt: '2025-01-01T10:00:00.000Z' });
    data = applyModelEvents(data, [updated(task({ state: 'done', bytesDone: 1000 }), installed)]);
    // The list was read before the install finished: it still says running and not installed.
    data = replaceModels(data, { packs: [pack()], tasks: [task({ bytesDone: 300 })] });
    expect(data.packs['whisper-small']).toBe(installed);
    expect(data.tasks['whisper-small']!.state).toBe('done');
    expect(data.touched).toBeNull();
  });

  it('keeps a progress event’s task but takes the list’s pack info when the event carried none', () => {
    let data = beginModelsLoad(listed([pack()]));
    data = applyModelEvents(data, [updated(task({ bytesDone: 700 }))]);
    const fresh = pack({ notes: 'newer catalog text' });
    data = replaceModels(data, { packs: [fresh], tasks: [task({ bytesDone: 200 })] });
    expect(data.tasks['whisper-small']!.bytesDone).toBe(700);
    expect(data.packs['whisper-small']).toBe(fresh);
  });

  it('takes everything from the list when no event came during the load', () => {
    const data = replaceModels(beginModelsLoad(listed([pack()], [task({ state: 'failed' })])), { packs: [pack({ installed: true })], tasks: [] });
    expect(data.packs['whisper-small']!.installed).toBe(true);
    expect(data.tasks).toEqual({});
  });
});

describe('actions answered at once', () => {
  it('an install reply counts only if no event about the pack came first', () => {
    const data = listed([pack()]);
    const started = task({ bytesDone: 0 });
    expect(applyStartedTask(data, started, undefined).tasks['whisper-small']).toBe(started);
    // A small pack finished before the reply arrived: the done event stays.
    const finished = applyModelEvents(data, [updated(task({ state: 'done', bytesDone: 1000 }), pack({ installed: true }))]);
    expect(applyStartedTask(finished, started, undefined)).toBe(finished);
  });

  it('an import replaces the pack; a removal marks it not installed', () => {
    const imported = pack({ installed: true, installedAt: '2025-02-01T00:00:00.000Z' });
    let data = setPack(listed([pack()]), imported);
    expect(data.packs['whisper-small']).toBe(imported);
    data = markRemoved(data, 'whisper-small');
    expect(data.packs['whisper-small']).toMatchObject({ installed: false, installedAt: null });
    expect(markRemoved(data, 'unknown')).toBe(data);
  });
});

describe('packsByKind', () => {
  it('groups packs under their kind’s name in a fixed order, leaving out empty kinds', () => {
    const data = listed([pack({ id: 'piper', kind: 'tts' }), pack({ id: 'whisper', kind: 'asr' }), pack({ id: 'silero', kind: 'vad' }), pack({ id: 'piper-2', kind: 'tts' })]);
    expect(packsByKind(data).map((group) => [group.label, group.packs.map((p) => p.id)])).toEqual([
      ['Speech recognition', ['whisper']],
      ['Voices', ['piper', 'piper-2']],
      ['Speech detection', ['silero']],
    ]);
  });
});

describe('the models store', () => {
  beforeEach(() => {
    useModelsStore.setState({ ...emptyModelsData, loaded: false, wanted: false, loadError: null });
  });

  it('loads the list and then follows model.updated events from the sync batch', async () => {
    await loadModels({ listModels: async () => ({ packs: [pack()], tasks: [] }) });
    expect(useModelsStore.getState()).toMatchObject({ loaded: true, wanted: true, loadError: null, order: ['whisper-small'] });
    applyEventBatch([updated(task({ bytesDone: 250 }))]);
    expect(useModelsStore.getState().tasks['whisper-small']!.bytesDone).toBe(250);
    applyEventBatch([updated(task({ state: 'done', bytesDone: 1000 }), pack({ installed: true }))]);
    expect(useModelsStore.getState().packs['whisper-small']!.installed).toBe(true);
  });

  it('does not notify subscribers for batches without model events', () => {
    let renders = 0;
    const stop = useModelsStore.subscribe(() => (renders += 1));
    applyEventBatch([{ type: 'job.removed', id: 'x' }]);
    stop();
    expect(renders).toBe(0);
  });

  it('keeps the error of a failed load, and joins a load already under way', async () => {
    let calls = 0;
    const api = {
      listModels: async () => {
        calls += 1;
        throw Object.assign(new Error('x'), { code: 'E_ROUTE_NOT_FOUND', message: 'No such route.', action: 'Update Redub.' });
      },
    };
    await Promise.all([loadModels(api), loadModels(api)]);
    expect(calls).toBe(1);
    expect(useModelsStore.getState()).toMatchObject({ loaded: false, touched: null, loadError: { message: 'No such route.', action: 'Update Redub.' } });
  });
});
