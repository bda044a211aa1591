// Owns pruning the artifact cache to the size and age budget in the settings: artifacts unused
// for longer than the age limit go first, then the least recently used until the cache fits its
// size. Never pruned: what the last run of a queued, running or retrying job used, and anything
// used in the last few minutes (a job may be about to read it). A job's published outputs live
// in the user's folders, not here, and are never touched. Per-cue speech (items/) goes once no
// artifact left names it. A pruned artifact is simply made again when a job needs it.
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ArtifactCache } from '../pipeline/artifact-cache.js';
import type { Store } from '../store/store.js';

export interface PruneBudget {
  maxBytes: number;
  maxAgeMs: number;
}

export interface PrunedArtifact {
  key: string;
  stage: string;
  bytes: number;
  lastUsedAt: string;
  reason: 'age' | 'size';
}

export interface PruneReport {
  dryRun: boolean;
  /** Artifacts removed (or, in a dry run, that would be). */
  artifacts: PrunedArtifact[];
  /** Per-cue speech files no remaining artifact names. */
  items: { count: number; bytes: number };
  freedBytes: number;
  /** What the cache holds afterwards (or would). */
  keptBytes: number;
  /** Artifacts kept because a queued, running or recent job needs them. */
  protectedCount: number;
}

/** An artifact used this recently is kept whatever the budget: a running job may be about to read it. */
export const recentUseGraceMs = 10 * 60_000;
const activeStates = ['queued', 'running', 'retry_wait'];
/** Stages whose results name per-cue speech files in items/. */
const itemStages = new Set(['synthesize', 'fit']);

export function pruneArtifacts(store: Pick<Store, 'artifacts' | 'stages' | 'jobs'>, cache: ArtifactCache, budget: PruneBudget, options: { dryRun?: boolean; now?: number } = {}): PruneReport {
  const now = options.now ?? Date.now();
  const dryRun = options.dryRun ?? false;
  const protectedKeys = store.stages.artifactKeysOfJobs(activeStates);
  const records = store.artifacts.list(); // least recently used first
  const isProtected = (record: { key: string; lastUsedMs: number }) => protectedKeys.has(record.key) || now - record.lastUsedMs < recentUseGraceMs;

  const doomed = new Map<string, PrunedArtifact>();
  const doom = (record: (typeof records)[number], reason: PrunedArtifact['reason']) =>
    doomed.set(record.key, { key: record.key, stage: record.stage, bytes: record.bytes, lastUsedAt: new Date(record.lastUsedMs).toISOString(), reason });
  for (const record of records) if (!isProtected(record) && now - record.lastUsedMs > budget.maxAgeMs) doom(record, 'age');
  let total = records.reduce((sum, record) => sum + record.bytes, 0) - [...doomed.values()].reduce((sum, entry) => sum + entry.bytes, 0);
  for (const record of records) {
    if (total <= budget.maxBytes) break;
    if (doomed.has(record.key) || isProtected(record)) continue;
    doom(record, 'size');
    total -= record.bytes;
  }

  if (!dryRun) {
    for (const entry of doomed.values()) {
      cache.remove(entry.key);
      store.artifacts.delete(entry.key);
    }
  }
  const kept = records.filter((record) => !doomed.has(record.key));
  // A running synthesis writes speech the artifact that names it does not yet exist for: while any
  // job runs, items stay.
  const items = store.jobs.count({ states: ['running'] }) > 0 ? { count: 0, bytes: 0 } : pruneItems(cache, kept, dryRun, now);
  const freed = [...doomed.values()].reduce((sum, entry) => sum + entry.bytes, 0) + items.bytes;
  return {
    dryRun,
    artifacts: [...doomed.values()],
    items,
    freedBytes: freed,
    keptBytes: Math.max(0, total),
    protectedCount: records.filter(isProtected).length,
  };
}

/** Removes per-cue speech no kept synthesize or fit artifact names (and not written just now). */
function pruneItems(cache: ArtifactCache, kept: readonly { key: string; stage: string }[], dryRun: boolean, now: number): { count: number; bytes: number } {
  const named = new Set<string>();
  for (const record of kept) {
    if (!itemStages.has(record.stage) || !cache.has(record.key)) continue;
    try {
      for (const cue of cache.read<{ cues?: { file?: string | null }[] }>(record.key).cues ?? []) if (cue.file) named.add(path.resolve(cue.file));
    } catch {
      // An unreadable result names nothing; the artifact is remade when next needed.
    }
  }
  let count = 0;
  let bytes = 0;
  const itemsRoot = path.join(cache.root, 'items');
  for (const folder of safeList(itemsRoot)) {
    for (const name of safeList(path.join(itemsRoot, folder))) {
      const file = path.join(itemsRoot, folder, name);
      if (named.has(file)) continue;
      let info;
      try {
        info = statSync(file);
      } catch {
        continue;
      }
      if (!info.isFile() || now - info.mtimeMs < recentUseGraceMs) continue;
      count++;
      bytes += info.size;
      if (!dryRun) rmSync(file, { force: true });
    }
  }
  return { count, bytes };
}

function safeList(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
}
