// The open timeline's cues as the core has them, and undo/redo over edits to them — only over
// edits: the playhead, the zoom and the selection live elsewhere (timeline-view-store), as
// omniclip keeps them. Every change goes to the core as a batch against the revision this window
// saw; one that lost a race (another window, a script) is refused there, and this window says so
// and shows the cues as they now are instead of overwriting anyone. Undo and redo are edits too:
// each goes back to the layer of an earlier revision.
import { create } from 'zustand';
import type { RedubApi } from '../../src-main/shared/contract.js';
import type { CueEdit, CuesView } from '../../src-main/shared/cues.js';
import type { RedubErrorData } from '../../src-main/shared/errors.js';
import { toApiError } from '../bridge/api-error.js';

export const changedElsewhere = 'This job’s cues were changed elsewhere (another window, or a script through the API). The timeline now shows them as they are; make your edit again if it is still needed.';

export interface CuesState {
  jobId: string | null;
  view: CuesView | null;
  loading: boolean;
  saving: boolean;
  /** The last edit that failed, with its rule. */
  error: RedubErrorData | null;
  /** Something a person must know: the cues changed under them. */
  notice: string | null;
  /** Revisions to go back to (undo) and forward to (redo), newest last. */
  undoStack: number[];
  redoStack: number[];
  /** Revisions this window made, so its own events are not taken for someone else's. */
  ownRevisions: number[];
  open(api: RedubApi, jobId: string): Promise<void>;
  reload(api: RedubApi): Promise<void>;
  edit(api: RedubApi, edits: CueEdit[]): Promise<boolean>;
  undo(api: RedubApi): Promise<boolean>;
  redo(api: RedubApi): Promise<boolean>;
  /** A job.cues event: another writer's revision makes this window reload and say so. */
  changedTo(api: RedubApi, jobId: string, revision: number): Promise<void>;
  dismiss(): void;
}

export const useCuesStore = create<CuesState>()((set, get) => {
  // Edits, undos and redos go one after another (Ctrl+Z held down sends each against the revision
  // the last one made), and a job.cues event that arrives while one is in flight waits for its
  // answer: until then this window cannot tell its own revision from someone else's.
  let queue: Promise<unknown> = Promise.resolve();
  let inFlight = 0;
  let heardWhileSaving: number[] = [];
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  /** Sends one batch; on success records the revision it made, on a conflict reloads and says so. */
  const send = async (api: RedubApi, edits: CueEdit[]): Promise<number | null> => {
    const { jobId, view } = get();
    if (!jobId || !view) return null;
    inFlight++;
    set({ saving: true, error: null });
    try {
      const next = await api.editCues(jobId, { revision: view.revision, edits });
      set((state) => ({ view: next, ownRevisions: [...state.ownRevisions.slice(-50), next.revision] }));
      return view.revision;
    } catch (caught) {
      const error = toApiError(caught).data;
      if (error.code === 'E_CUES_CHANGED') {
        set({ notice: changedElsewhere, undoStack: [], redoStack: [] });
        await get().reload(api);
      } else {
        set({ error });
      }
      return null;
    } finally {
      inFlight--;
      set({ saving: inFlight > 0 });
      if (inFlight === 0) {
        const heard = heardWhileSaving;
        heardWhileSaving = [];
        for (const revision of heard) await get().changedTo(api, jobId, revision);
      }
    }
  };

  return {
    jobId: null,
    view: null,
    loading: false,
    saving: false,
    error: null,
    notice: null,
    undoStack: [],
    redoStack: [],
    ownRevisions: [],
    async open(api, jobId) {
      set({ jobId, view: null, loading: true, error: null, notice: null, undoStack: [], redoStack: [], ownRevisions: [] });
      await get().reload(api);
    },
    async reload(api) {
      const { jobId } = get();
      if (!jobId) return;
      try {
        const view = await api.getCues(jobId);
        if (get().jobId === jobId) set({ view, loading: false });
      } catch (caught) {
        if (get().jobId === jobId) set({ loading: false, error: toApiError(caught).data });
      }
    },
    edit: (api, edits) =>
      inTurn(async () => {
        const before = await send(api, edits);
        if (before === null) return false;
        set((state) => ({ undoStack: [...state.undoStack, before], redoStack: [] }));
        return true;
      }),
    undo: (api) =>
      inTurn(async () => {
        const target = get().undoStack.at(-1);
        if (target === undefined) return false;
        const before = await send(api, [{ op: 'revert', revision: target }]);
        if (before === null) return false;
        set((state) => ({ undoStack: state.undoStack.slice(0, -1), redoStack: [...state.redoStack, before] }));
        return true;
      }),
    redo: (api) =>
      inTurn(async () => {
        const target = get().redoStack.at(-1);
        if (target === undefined) return false;
        const before = await send(api, [{ op: 'revert', revision: target }]);
        if (before === null) return false;
        set((state) => ({ redoStack: state.redoStack.slice(0, -1), undoStack: [...state.undoStack, before] }));
        return true;
      }),
    async changedTo(api, jobId, revision) {
      if (inFlight > 0) {
        heardWhileSaving.push(revision);
        return;
      }
      const { view, ownRevisions } = get();
      if (get().jobId !== jobId || !view || revision <= view.revision || ownRevisions.includes(revision)) return;
      set({ notice: changedElsewhere, undoStack: [], redoStack: [] });
      await get().reload(api);
    },
    dismiss: () => set({ notice: null, error: null }),
  };
});
