// The timeline's cue store against a fake core that keeps revisions the way the real one does
// (each accepted batch is one revision; revert goes back to an earlier one; a batch against an
// old revision is refused with E_CUES_CHANGED), and that can announce a revision (job.cues)
// before it answers the request that made it — the order the event stream often delivers.
import { beforeEach, describe, expect, it } from 'vitest';
import type { RedubApi } from '../../../src-main/shared/contract.js';
import type { CueEdit, CuesView, CueView } from '../../../src-main/shared/cues.js';
import { RedubError } from '../../../src-main/shared/errors.js';
import { changedElsewhere, useCuesStore } from '../../../src-renderer/stores/cues-store.js';

function cue(index: number, targetText: string): CueView {
  return { index, id: `b${index + 1}`, startMs: index * 1000, endMs: index * 1000 + 900, sourceText: `line ${index + 1}`, targetText, speedFactor: null, placedStartMs: null, placedEndMs: null, flag: null, edited: false, stale: false, overlaps: false };
}

class FakeCore {
  /** The texts at each revision, revision 0 first. */
  revisions: string[][] = [['uno', 'dos', 'tres']];
  /** Called with each new revision before the request that made it is answered. */
  announce: (revision: number) => Promise<void> = async () => undefined;
  requests = 0;

  view(): CuesView {
    const revision = this.revisions.length - 1;
    return { revision, renderedRevision: 0, mixVersion: 'm1', dubPeaksVersion: 'p1', durationMs: 10_000, fps: 25, cues: this.revisions[revision]!.map((text, index) => cue(index, text)) };
  }

  apply(edits: CueEdit[]): string[] {
    let texts = [...this.revisions.at(-1)!];
    for (const edit of edits) {
      if (edit.op === 'revert') texts = [...this.revisions[edit.revision]!];
      else if (edit.op === 'update' && 'index' in edit && edit.index !== undefined && edit.targetText !== undefined) texts[edit.index] = edit.targetText;
      else throw new Error(`the fake core does not do ${edit.op}`);
    }
    return texts;
  }

  api(): RedubApi {
    const core = {
      getCues: async () => this.view(),
      editCues: async (_jobId: string, request: { revision: number; edits: CueEdit[] }) => {
        this.requests++;
        await Promise.resolve();
        if (request.revision !== this.revisions.length - 1) throw new RedubError('E_CUES_CHANGED');
        this.revisions.push(this.apply(request.edits));
        await this.announce(this.revisions.length - 1);
        return this.view();
      },
    };
    return core as unknown as RedubApi;
  }

  /** Someone else (a script) edits cue `index`. */
  editElsewhere(index: number, text: string): number {
    const texts = [...this.revisions.at(-1)!];
    texts[index] = text;
    this.revisions.push(texts);
    return this.revisions.length - 1;
  }
}

const texts = () => useCuesStore.getState().view!.cues.map((entry) => entry.targetText);

describe('the cue store', () => {
  let core: FakeCore;
  let api: RedubApi;

  beforeEach(async () => {
    core = new FakeCore();
    api = core.api();
    await useCuesStore.getState().open(api, 'job');
  });

  it('undoes and redoes edits in order, each against the revision the last one made', async () => {
    const store = useCuesStore.getState();
    await store.edit(api, [{ op: 'update', index: 0, targetText: 'UNO' }]);
    await store.edit(api, [{ op: 'update', index: 1, targetText: 'DOS' }]);
    expect(texts()).toEqual(['UNO', 'DOS', 'tres']);
    // Three presses before any answer: they queue rather than race (and a fourth has nothing to undo).
    const presses = [store.undo(api), store.undo(api), store.undo(api)];
    expect(await Promise.all(presses)).toEqual([true, true, false]);
    expect(texts()).toEqual(['uno', 'dos', 'tres']);
    expect(useCuesStore.getState().notice).toBeNull();
    await store.redo(api);
    expect(texts()).toEqual(['UNO', 'dos', 'tres']);
    await store.redo(api);
    expect(texts()).toEqual(['UNO', 'DOS', 'tres']);
    expect(useCuesStore.getState().redoStack).toEqual([]);
    expect(core.requests).toBe(6);
  });

  it('takes its own revision announced before the answer for its own, keeping undo', async () => {
    core.announce = (revision) => useCuesStore.getState().changedTo(api, 'job', revision);
    await useCuesStore.getState().edit(api, [{ op: 'update', index: 2, targetText: 'TRES' }]);
    expect(useCuesStore.getState().notice).toBeNull();
    expect(useCuesStore.getState().undoStack).toEqual([0]);
    await useCuesStore.getState().undo(api);
    expect(texts()).toEqual(['uno', 'dos', 'tres']);
  });

  it('says so when someone else edits, shows their change and forgets undo rather than overwrite it', async () => {
    await useCuesStore.getState().edit(api, [{ op: 'update', index: 0, targetText: 'UNO' }]);
    const theirs = core.editElsewhere(1, 'desde un script');
    await useCuesStore.getState().changedTo(api, 'job', theirs);
    expect(useCuesStore.getState().notice).toBe(changedElsewhere);
    expect(texts()).toEqual(['UNO', 'desde un script', 'tres']);
    expect(await useCuesStore.getState().undo(api)).toBe(false);
  });

  it('reloads and says so when its edit lost a race, keeping the other writer’s text', async () => {
    core.editElsewhere(0, 'ganó el script');
    expect(await useCuesStore.getState().edit(api, [{ op: 'update', index: 0, targetText: 'perdí' }])).toBe(false);
    expect(useCuesStore.getState().notice).toBe(changedElsewhere);
    expect(texts()[0]).toBe('ganó el script');
    expect(useCuesStore.getState().saving).toBe(false);
  });

  it('keeps a refused edit’s error for the person and changes nothing', async () => {
    const refusing = { ...api, editCues: async () => Promise.reject(new RedubError('E_CUE_EDIT_INVALID', { details: ['Edit 1 (cue 1): its text must not be empty [rule: text-required]'] })) } as RedubApi;
    expect(await useCuesStore.getState().edit(refusing, [{ op: 'update', index: 0, targetText: '' }])).toBe(false);
    expect(useCuesStore.getState().error?.code).toBe('E_CUE_EDIT_INVALID');
    expect(texts()).toEqual(['uno', 'dos', 'tres']);
    expect(useCuesStore.getState().undoStack).toEqual([]);
  });
});
