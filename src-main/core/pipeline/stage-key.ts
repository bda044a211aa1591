// Owns deriving a stage's artifact key from the very params its worker gets: every param is in
// the key except those the declaration lists as output-neutral. Paths inside the artifact cache
// enter the key relative to it (they name an upstream artifact, whose key they contain), so a
// data folder that moves keeps its keys.
import path from 'node:path';
import { ArtifactCache } from './artifact-cache.js';
import type { AnyStage } from './stage.js';

export function stageKey(stage: AnyStage, params: unknown, artifactsRoot: string): string {
  const keyed = withoutPaths(params, Object.keys(stage.outputNeutral).map((field) => field.split('.')));
  return ArtifactCache.keyFor(stage.name, stage.version, {
    params: relativeToCache(keyed, path.resolve(artifactsRoot)),
    extras: stage.keyExtras?.(params) ?? null,
  });
}

/** A copy of `value` without the fields at `paths` (each a list of names; `x[]` descends into every element of array x). */
export function withoutPaths(value: unknown, paths: readonly (readonly string[])[]): unknown {
  if (paths.length === 0 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const [name, inner] of Object.entries(record)) {
    const here = paths.filter((field) => field[0] === name || field[0] === `${name}[]`);
    if (here.some((field) => field.length === 1)) continue;
    const deeper = here.map((field) => field.slice(1));
    const intoArray = here.some((field) => field[0] === `${name}[]`);
    result[name] = intoArray && Array.isArray(inner) ? inner.map((element) => withoutPaths(element, deeper)) : withoutPaths(inner, deeper);
  }
  return result;
}

function relativeToCache(value: unknown, root: string): unknown {
  if (typeof value === 'string') {
    if (!path.isAbsolute(value)) return value;
    const relative = path.relative(root, value);
    return relative.startsWith('..') || path.isAbsolute(relative) ? value : `artifact:${relative.split(path.sep).join('/')}`;
  }
  if (Array.isArray(value)) return value.map((element) => relativeToCache(element, root));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, relativeToCache(inner, root)]));
  return value;
}
