// Owns a person's edits as a layer of their own over the cues a stage made (the base: a
// transcript, an imported translation, a translation pack's output). The layer holds what was
// changed per base cue (its id is b<index in the base>), which base cues were deleted, and the
// cues a person added (ids u1, u2, …); the cues a job speaks are the base with the layer on top.
// A stage only ever replaces the base, so nothing a person did is overwritten by a re-run.
import { RedubError } from '../../shared/errors.js';
import { cueCountLimit, cueViolations, describeCueViolation, minimumCueMs, type CueEdit, type CueFields, type CueRule } from '../../shared/cues.js';

export interface BaseCue extends CueFields {
  index: number;
}

type Override = Partial<CueFields> & { deleted?: true };

export interface CueLayer {
  overrides: Record<string, Override>;
  added: (CueFields & { id: string })[];
  /** The next number for an added cue's id. */
  nextId: number;
}

export interface LayeredCue extends CueFields {
  id: string;
  /** A person changed it or added it. */
  edited: boolean;
  /** Its source text was changed but not its translation: a translation pack should translate it again. */
  sourceOnly: boolean;
}

export const emptyLayer: CueLayer = { overrides: {}, added: [], nextId: 1 };

export function baseId(index: number): string {
  return `b${index}`;
}

/** The cues a job speaks: the base with the layer's changes, deletions and additions, in time order. */
export function layeredCues(base: readonly BaseCue[], layer: CueLayer): LayeredCue[] {
  const cues: (LayeredCue & { order: number })[] = [];
  for (const cue of base) {
    const id = baseId(cue.index);
    const override = layer.overrides[id];
    if (override?.deleted) continue;
    const { deleted: _deleted, ...fields } = override ?? {};
    cues.push({
      id, startMs: cue.startMs, endMs: cue.endMs, sourceText: cue.sourceText, targetText: cue.targetText, ...(cue.speaker ? { speaker: cue.speaker } : {}), ...fields,
      edited: override !== undefined, sourceOnly: override?.sourceText !== undefined && override.targetText === undefined, order: cue.index,
    });
  }
  layer.added.forEach((cue, position) => cues.push({ ...cue, edited: true, sourceOnly: false, order: base.length + position }));
  // Ties keep the order the cues were made in, so equal starts (two speakers) never swap.
  cues.sort((a, b) => a.startMs - b.startMs || a.order - b.order);
  return cues.map(({ order: _order, ...cue }) => cue);
}

export interface EditOutcome {
  layer: CueLayer;
  cues: LayeredCue[];
}

/**
 * Applies edits one after another (each sees the cues as the ones before it left them), all or
 * none: the first rule an edit breaks throws E_CUE_EDIT_INVALID naming the edit, the cue and the
 * rule. `revisions` gives the layer of an earlier revision, for `revert`.
 */
export function applyCueEdits(
  base: readonly BaseCue[],
  layer: CueLayer,
  edits: readonly CueEdit[],
  media: { durationMs: number },
  revisions: (revision: number) => CueLayer | null = () => null,
): EditOutcome {
  let current = cloneLayer(layer);
  // The base's cues and the layer's added ones (a deleted base cue still counts): it only has to bound the layer.
  const count = (candidate: CueLayer) => base.length + candidate.added.length;
  edits.forEach((edit, position) => {
    const fail = (rule: CueRule, cue: number | null): never => {
      throw new RedubError('E_CUE_EDIT_INVALID', { details: [describeCueViolation(position, cue, rule)] });
    };
    if (edit.op === 'revert') {
      const earlier = revisions(edit.revision);
      if (!earlier) fail('revision-exists', null);
      current = cloneLayer(earlier!);
      return;
    }
    if (edit.op === 'insert') {
      if (count(current) >= cueCountLimit) fail('cue-count', null);
      const added = { id: `u${current.nextId}`, startMs: edit.startMs, endMs: edit.endMs, targetText: edit.targetText, sourceText: edit.sourceText ?? '' };
      check(added, media, (rule) => fail(rule, null));
      current.added.push(added);
      current.nextId++;
      return;
    }
    // Inserts and reverts name no cue: a batch of thousands of them need not lay out the list each time.
    const cues = layeredCues(base, current);
    const index = edit.id !== undefined ? cues.findIndex((cue) => cue.id === edit.id) : (edit.index ?? -1);
    const cue = cues[index];
    if (!cue) return fail('cue-exists', edit.index ?? null);
    switch (edit.op) {
      case 'update': {
        // A blank name is no name: like null, the cue's speaker is whoever the subtitles or the speakers found say again.
        const speaker = typeof edit.speaker === 'string' ? edit.speaker.trim() : edit.speaker;
        const fields = definedFields({ startMs: edit.startMs, endMs: edit.endMs, sourceText: edit.sourceText, targetText: edit.targetText, speaker: speaker || undefined });
        check({ ...cue, ...fields }, media, (rule) => fail(rule, index));
        change(current, cue.id, fields);
        if (speaker === null || speaker === '') forgetSpeaker(current, cue.id);
        return;
      }
      case 'delete':
        remove(current, cue.id);
        return;
      case 'split': {
        if (count(current) >= cueCountLimit) fail('cue-count', index);
        if (edit.atMs < cue.startMs + minimumCueMs || edit.atMs > cue.endMs - minimumCueMs) fail('split-inside', index);
        const fraction = (edit.atMs - cue.startMs) / (cue.endMs - cue.startMs);
        const [firstTarget, secondTarget] = splitText(cue.targetText, fraction);
        const [firstSource, secondSource] = splitText(cue.sourceText, fraction);
        // Both halves are said by whoever said the cue.
        const second = { id: `u${current.nextId}`, startMs: edit.atMs, endMs: cue.endMs, sourceText: secondSource, targetText: secondTarget, ...(cue.speaker ? { speaker: cue.speaker } : {}) };
        check({ ...cue, endMs: edit.atMs, targetText: firstTarget }, media, (rule) => fail(rule, index));
        check(second, media, (rule) => fail(rule, index));
        change(current, cue.id, { endMs: edit.atMs, targetText: firstTarget, sourceText: firstSource });
        current.added.push(second);
        current.nextId++;
        return;
      }
      case 'merge': {
        const next = cues[index + 1];
        if (!next) return fail('merge-needs-next', index);
        const merged = {
          endMs: Math.max(cue.endMs, next.endMs),
          targetText: joinText(cue.targetText, next.targetText),
          sourceText: joinText(cue.sourceText, next.sourceText),
        };
        check({ ...cue, ...merged }, media, (rule) => fail(rule, index));
        change(current, cue.id, merged);
        remove(current, next.id);
        return;
      }
    }
  });
  return { layer: current, cues: layeredCues(base, current) };
}

/** Whether a layer changes anything at all. */
export function isEmptyLayer(layer: CueLayer): boolean {
  return Object.keys(layer.overrides).length === 0 && layer.added.length === 0;
}

function check(cue: CueFields, media: { durationMs: number }, fail: (rule: CueRule) => never): void {
  const [broken] = cueViolations(cue, media);
  if (broken) fail(broken);
}

function change(layer: CueLayer, id: string, fields: Partial<CueFields>): void {
  const added = layer.added.find((cue) => cue.id === id);
  if (added) Object.assign(added, fields);
  else layer.overrides[id] = { ...layer.overrides[id], ...fields };
}

function forgetSpeaker(layer: CueLayer, id: string): void {
  const added = layer.added.find((cue) => cue.id === id);
  if (added) delete added.speaker;
  else if (layer.overrides[id]) delete layer.overrides[id].speaker;
}

function remove(layer: CueLayer, id: string): void {
  const at = layer.added.findIndex((cue) => cue.id === id);
  if (at >= 0) layer.added.splice(at, 1);
  else layer.overrides[id] = { deleted: true };
}

function definedFields(fields: Partial<CueFields>): Partial<CueFields> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<CueFields>;
}

function cloneLayer(layer: CueLayer): CueLayer {
  return { overrides: structuredClone(layer.overrides), added: layer.added.map((cue) => ({ ...cue })), nextId: layer.nextId };
}

/**
 * A text cut in two where a cue is split: at the word boundary nearest the same share of its
 * length as the split's share of the cue's time (between characters for unspaced scripts).
 */
export function splitText(text: string, fraction: number): [string, string] {
  const trimmed = text.trim();
  if (trimmed === '') return ['', ''];
  const goal = Math.round(trimmed.length * Math.min(1, Math.max(0, fraction)));
  const spaces = [...trimmed.matchAll(/\s+/g)].map((match) => match.index ?? 0);
  const cut = spaces.length > 0 ? spaces.reduce((best, at) => (Math.abs(at - goal) < Math.abs(best - goal) ? at : best)) : Math.min(Math.max(goal, 1), trimmed.length - 1);
  return [trimmed.slice(0, cut).trim(), trimmed.slice(cut).trim()];
}

function joinText(first: string, second: string): string {
  return [first.trim(), second.trim()].filter(Boolean).join(' ');
}
