// Pure functions behind the models store: the catalog's packs by id, the install task of each
// pack, `model.updated` and `model.removed` events applied in order, and a reload that does not undo what events
// brought in while the list was on its way.
import type { ModelPackInfo, ModelTask, RedubEvent } from '../../src-main/shared/contract.js';

export type ModelKind = ModelPackInfo['kind'];

export interface ModelsData {
  packs: Readonly<Record<string, ModelPackInfo>>;
  /** Pack ids in the catalog's order, which the view keeps within each kind. */
  order: readonly string[];
  /** The latest install task of each pack, by pack id. */
  tasks: Readonly<Record<string, ModelTask>>;
  /**
   * While a list is loading: packs whose task or info an event changed since the load began. The
   * event is at least as new as the list's snapshot, so the reload keeps it. Null when no load runs.
   */
  touched: { tasks: ReadonlySet<string>; packs: ReadonlySet<string> } | null;
}

export const emptyModelsData: ModelsData = { packs: {}, order: [], tasks: {}, touched: null };

/** The kinds in the order the view shows them, with the name a person reads. */
export const modelKinds: readonly { kind: ModelKind; label: string }[] = [
  { kind: 'asr', label: 'Speech recognition' },
  { kind: 'mt', label: 'Translation' },
  { kind: 'tts', label: 'Voices' },
  { kind: 'vad', label: 'Speech detection' },
  { kind: 'lipsync', label: 'Lip-sync' },
  { kind: 'separation', label: 'Voice and music separation' },
  { kind: 'diarization', label: 'Speakers' },
];

function withPack(data: ModelsData, pack: ModelPackInfo): Pick<ModelsData, 'packs' | 'order'> {
  const order = pack.id in data.packs || data.order.includes(pack.id) ? data.order : [...data.order, pack.id];
  return { packs: { ...data.packs, [pack.id]: pack }, order };
}

function touch(touched: ModelsData['touched'], packId: string, pack: boolean): ModelsData['touched'] {
  if (!touched) return null;
  return {
    tasks: new Set(touched.tasks).add(packId),
    packs: pack ? new Set(touched.packs).add(packId) : touched.packs,
  };
}

/** Applies a batch of events in order; other events are left to other stores. Same object when none apply. */
export function applyModelEvents(data: ModelsData, events: readonly RedubEvent[]): ModelsData {
  let result = data;
  for (const event of events) {
    if (event.type === 'model.removed') {
      result = removedPack(result, event.id, event.pack);
      continue;
    }
    if (event.type !== 'model.updated') continue;
    const { task, pack } = event;
    result = {
      ...result,
      tasks: { ...result.tasks, [task.packId]: task },
      // A finished task carries the pack's new info (installed, and when): it replaces the old one.
      ...(pack ? withPack(result, pack) : {}),
      touched: touch(result.touched, task.packId, pack !== null),
    };
  }
  return result;
}

/** Replaces one pack's info with what the core answered (an import, a removal). */
export function setPack(data: ModelsData, pack: ModelPackInfo): ModelsData {
  return { ...data, ...withPack(data, pack), touched: touch(data.touched, pack.id, true) };
}

/** After a removal the core answers only `{id, removed}`: the pack is then simply not installed. */
export function markRemoved(data: ModelsData, id: string): ModelsData {
  const pack = data.packs[id];
  if (!pack) return data;
  return setPack(data, { ...pack, installed: false, installedAt: null });
}

/** A removal another window or client made: the catalog entry, now uninstalled, or the pack gone. */
function removedPack(data: ModelsData, id: string, pack: ModelPackInfo | null): ModelsData {
  const { [id]: _task, ...tasks } = data.tasks;
  if (pack) return { ...setPack(data, pack), tasks };
  const { [id]: _pack, ...packs } = data.packs;
  return { ...data, packs, tasks, order: data.order.filter((candidate) => candidate !== id), touched: touch(data.touched, id, true) };
}

/**
 * The task an install request answered with. Events about the pack may have come first (a small
 * pack can finish before the reply arrives); they are newer than the reply, so the reply only
 * counts when the pack's task is still the one it had when the button was pressed.
 */
export function applyStartedTask(data: ModelsData, task: ModelTask, taskWhenStarted: ModelTask | undefined): ModelsData {
  if (data.tasks[task.packId] !== taskWhenStarted) return data;
  return { ...data, tasks: { ...data.tasks, [task.packId]: task }, touched: touch(data.touched, task.packId, false) };
}

/** Marks the start of a list load, so events during it are remembered (see `touched`). */
export function beginModelsLoad(data: ModelsData): ModelsData {
  return { ...data, touched: { tasks: new Set(), packs: new Set() } };
}

/**
 * A full list from the core: its packs and tasks, except where an event changed a pack while the
 * list was loading (that event is the newer word). Packs no longer in the catalog are dropped.
 */
export function replaceModels(data: ModelsData, list: { packs: readonly ModelPackInfo[]; tasks: readonly ModelTask[] }): ModelsData {
  const touched = data.touched ?? { tasks: new Set<string>(), packs: new Set<string>() };
  const packs: Record<string, ModelPackInfo> = {};
  for (const pack of list.packs) packs[pack.id] = touched.packs.has(pack.id) && data.packs[pack.id] ? data.packs[pack.id]! : pack;
  const tasks: Record<string, ModelTask> = {};
  for (const task of list.tasks) if (task.packId in packs) tasks[task.packId] = task;
  for (const packId of touched.tasks) {
    const kept = data.tasks[packId];
    if (kept && packId in packs) tasks[packId] = kept;
  }
  return { packs, order: list.packs.map((pack) => pack.id), tasks, touched: null };
}

/** A load that failed: stop remembering events for it. */
export function endModelsLoad(data: ModelsData): ModelsData {
  return data.touched ? { ...data, touched: null } : data;
}

/** The packs of each kind in catalog order; kinds without packs are left out. Unknown kinds go last. */
export function packsByKind(data: Pick<ModelsData, 'packs' | 'order'>): { kind: string; label: string; packs: ModelPackInfo[] }[] {
  const packs = data.order.map((id) => data.packs[id]).filter((pack): pack is ModelPackInfo => pack !== undefined);
  const groups = modelKinds.map(({ kind, label }) => ({ kind: kind as string, label, packs: packs.filter((pack) => pack.kind === kind) }));
  const known = new Set<string>(modelKinds.map(({ kind }) => kind));
  const other = packs.filter((pack) => !known.has(pack.kind));
  if (other.length > 0) groups.push({ kind: 'other', label: 'Other', packs: other });
  return groups.filter((group) => group.packs.length > 0);
}

/** How much of an install is done, 0–100; null when the total is not known (an indeterminate bar). */
export function taskPercent(task: ModelTask): number | null {
  if (task.bytesTotal === null || task.bytesTotal <= 0) return null;
  return Math.min(100, (task.bytesDone / task.bytesTotal) * 100);
}
