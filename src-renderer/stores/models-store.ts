// The models slice: the catalog's packs and their install tasks, kept current by `model.updated`
// events. Logic lives in models-reducers.ts; this file wires it and loads the list on request
// (when the Models view opens, and after the event stream came back from a gap).
import { create } from 'zustand';
import type { ModelPackInfo, ModelTask, RedubApi, RedubEvent } from '../../src-main/shared/contract.js';
import type { RedubErrorData } from '../../src-main/shared/errors.js';
import { toApiError } from '../bridge/api-error.js';
import {
  applyModelEvents,
  applyStartedTask,
  beginModelsLoad,
  emptyModelsData,
  endModelsLoad,
  markRemoved,
  replaceModels,
  setPack,
  type ModelsData,
} from './models-reducers.js';

export interface ModelsState extends ModelsData {
  /** False until a list arrived: the view shows "loading" rather than "no packs". */
  loaded: boolean;
  /** Whether the view asked for the list at least once; only then does a reconnect reload it. */
  wanted: boolean;
  loadError: RedubErrorData | null;
  applyEvents(events: readonly RedubEvent[]): void;
  beginLoad(): void;
  replaceModels(list: { packs: readonly ModelPackInfo[]; tasks: readonly ModelTask[] }): void;
  failLoad(error: RedubErrorData): void;
  setPack(pack: ModelPackInfo): void;
  markRemoved(id: string): void;
  startedTask(task: ModelTask, taskWhenStarted: ModelTask | undefined): void;
}

const dataOf = (state: ModelsState): ModelsData => ({ packs: state.packs, order: state.order, tasks: state.tasks, touched: state.touched });

export const useModelsStore = create<ModelsState>()((set) => ({
  ...emptyModelsData,
  loaded: false,
  wanted: false,
  loadError: null,
  applyEvents: (events) =>
    set((state) => {
      const data = dataOf(state);
      const next = applyModelEvents(data, events);
      return next === data ? state : next; // no model events: no render
    }),
  beginLoad: () => set((state) => ({ ...beginModelsLoad(dataOf(state)), wanted: true })),
  replaceModels: (list) => set((state) => ({ ...replaceModels(dataOf(state), list), loaded: true, loadError: null })),
  failLoad: (loadError) => set((state) => ({ ...endModelsLoad(dataOf(state)), loadError })),
  setPack: (pack) => set((state) => setPack(dataOf(state), pack)),
  markRemoved: (id) => set((state) => markRemoved(dataOf(state), id)),
  startedTask: (task, taskWhenStarted) => set((state) => applyStartedTask(dataOf(state), task, taskWhenStarted)),
}));

let loading: Promise<void> | null = null;

/** Loads the pack list into the store; a call while one is under way joins it. */
export function loadModels(api: Pick<RedubApi, 'listModels'>): Promise<void> {
  loading ??= (async () => {
    const store = useModelsStore.getState();
    store.beginLoad();
    try {
      store.replaceModels(await api.listModels());
    } catch (error) {
      store.failLoad(toApiError(error).data);
    } finally {
      loading = null;
    }
  })();
  return loading;
}
