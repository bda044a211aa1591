// Every edit and every rule of the cue layer: edits sit over the base, are applied one after
// another and all or none, and each refusal names the edit, the cue and the rule.
import { describe, expect, it } from 'vitest';
import { applyCueEdits, emptyLayer, layeredCues, splitText, type BaseCue, type CueLayer } from '../../../src-main/core/cues/cue-layer.js';
import { cueCountLimit, type CueEdit } from '../../../src-main/shared/cues.js';
import type { RedubError } from '../../../src-main/shared/errors.js';

const base: BaseCue[] = [
  { index: 0, startMs: 1000, endMs: 2000, sourceText: 'Good morning everyone', targetText: 'Buenos días a todos' },
  { index: 1, startMs: 2500, endMs: 4000, sourceText: 'Welcome back', targetText: 'Bienvenidos de nuevo' },
  { index: 2, startMs: 5000, endMs: 6000, sourceText: 'Let us begin', targetText: 'Empecemos' },
];
const media = { durationMs: 10_000 };

function apply(edits: CueEdit[], layer: CueLayer = emptyLayer) {
  return applyCueEdits(base, layer, edits, media);
}

function refusal(edits: CueEdit[], layer: CueLayer = emptyLayer): RedubError {
  try {
    apply(edits, layer);
  } catch (error) {
    return error as RedubError;
  }
  throw new Error('the edits were accepted');
}

describe('cue layer', () => {
  it('without edits, the cues are the base', () => {
    expect(layeredCues(base, emptyLayer).map((cue) => [cue.id, cue.targetText, cue.edited])).toEqual([
      ['b0', 'Buenos días a todos', false], ['b1', 'Bienvenidos de nuevo', false], ['b2', 'Empecemos', false],
    ]);
  });

  it('update changes a translation, source or times; a source-only change asks for a new translation', () => {
    const { cues, layer } = apply([{ op: 'update', index: 1, targetText: 'Hola otra vez' }, { op: 'update', index: 2, sourceText: 'Let us start', startMs: 4800 }]);
    expect(cues[1]).toMatchObject({ id: 'b1', targetText: 'Hola otra vez', edited: true, sourceOnly: false });
    expect(cues[2]).toMatchObject({ id: 'b2', sourceText: 'Let us start', startMs: 4800, targetText: 'Empecemos', sourceOnly: true });
    expect(layer.overrides).toEqual({ b1: { targetText: 'Hola otra vez' }, b2: { sourceText: 'Let us start', startMs: 4800 } });
  });

  it('a retimed cue moves to its place in time; later edits see the new order', () => {
    const { cues } = apply([{ op: 'update', index: 2, startMs: 100, endMs: 900 }, { op: 'update', index: 0, targetText: 'Empecemos ya' }]);
    expect(cues.map((cue) => cue.id)).toEqual(['b2', 'b0', 'b1']);
    expect(cues[0]!.targetText).toBe('Empecemos ya');
  });

  it('names a cue by id as well as by index', () => {
    const { cues } = apply([{ op: 'update', id: 'b2', targetText: 'Comencemos' }]);
    expect(cues[2]!.targetText).toBe('Comencemos');
  });

  it('split cuts a cue at a time, and its texts at the nearest word boundary', () => {
    const { cues } = apply([{ op: 'split', index: 0, atMs: 1500 }]);
    expect(cues).toHaveLength(4);
    expect(cues[0]).toMatchObject({ id: 'b0', startMs: 1000, endMs: 1500, targetText: 'Buenos días', sourceText: 'Good morning' });
    expect(cues[1]).toMatchObject({ id: 'u1', startMs: 1500, endMs: 2000, targetText: 'a todos', sourceText: 'everyone', edited: true });
  });

  it('merge joins a cue with the next, to the later end', () => {
    const { cues, layer } = apply([{ op: 'merge', index: 0 }]);
    expect(cues.map((cue) => cue.id)).toEqual(['b0', 'b2']);
    expect(cues[0]).toMatchObject({ startMs: 1000, endMs: 4000, targetText: 'Buenos días a todos Bienvenidos de nuevo' });
    expect(layer.overrides.b1).toEqual({ deleted: true });
  });

  it('insert adds a cue a person wrote; delete removes a base cue or an added one', () => {
    const inserted = apply([{ op: 'insert', startMs: 7000, endMs: 8000, targetText: 'Gracias' }]);
    expect(inserted.cues.at(-1)).toMatchObject({ id: 'u1', targetText: 'Gracias', sourceText: '' });
    const deleted = apply([{ op: 'delete', index: 3 }, { op: 'delete', index: 0 }], inserted.layer);
    expect(deleted.cues.map((cue) => cue.id)).toEqual(['b1', 'b2']);
    expect(deleted.layer.added).toEqual([]);
  });

  it('keeps overlapping and simultaneous cues (two speakers), in the order they were made', () => {
    const { cues } = apply([{ op: 'insert', startMs: 2500, endMs: 3500, targetText: 'Y tú' }]);
    expect(cues.map((cue) => cue.id)).toEqual(['b0', 'b1', 'u1', 'b2']);
  });

  it('revert brings back the layer of an earlier revision', () => {
    const first = apply([{ op: 'update', index: 0, targetText: 'Hola' }]);
    const reverted = applyCueEdits(base, first.layer, [{ op: 'revert', revision: 0 }], media, (revision) => (revision === 0 ? emptyLayer : null));
    expect(reverted.cues[0]!.targetText).toBe('Buenos días a todos');
    expect(refusal([{ op: 'revert', revision: 7 }]).details[0]).toContain('[rule: revision-exists]');
  });

  const rules: [string, CueEdit[], string][] = [
    ['start-before-end', [{ op: 'update', index: 0, endMs: 900 }], 'Edit 1 (cue 1): its start must come before its end [rule: start-before-end]'],
    ['inside-video', [{ op: 'update', index: 2, endMs: 12_000 }], 'Edit 1 (cue 3): it must lie inside the video [rule: inside-video]'],
    ['text-required', [{ op: 'update', index: 1, targetText: '   ' }], 'Edit 1 (cue 2): its translation must not be empty [rule: text-required]'],
    ['text-length', [{ op: 'update', index: 1, targetText: 'a'.repeat(1001) }], 'Edit 1 (cue 2): its texts may hold at most 1000 characters [rule: text-length]'],
    ['cue-exists', [{ op: 'delete', index: 3 }], 'Edit 1 (cue 4): there is no such cue [rule: cue-exists]'],
    ['split-inside', [{ op: 'split', index: 0, atMs: 1050 }], 'Edit 1 (cue 1): a split must fall inside the cue, at least 100 ms from each end [rule: split-inside]'],
    ['merge-needs-next', [{ op: 'merge', index: 2 }], 'Edit 1 (cue 3): there is no next cue to merge it with [rule: merge-needs-next]'],
    ['insert inside-video', [{ op: 'insert', startMs: 9500, endMs: 10_500, targetText: 'x' }], 'Edit 1: it must lie inside the video [rule: inside-video]'],
  ];
  it.each(rules)('refuses %s with E_CUE_EDIT_INVALID naming the edit, the cue and the rule', (_rule, edits, detail) => {
    const error = refusal(edits);
    expect(error.code).toBe('E_CUE_EDIT_INVALID');
    expect(error.details).toEqual([detail]);
  });

  it('applies a batch all or none: a bad second edit leaves the first unmade', () => {
    const error = refusal([{ op: 'update', index: 0, targetText: 'Hola' }, { op: 'update', index: 1, startMs: 5000 }]);
    expect(error.details[0]).toMatch(/^Edit 2 \(cue 2\)/);
  });

  it('bounds how many cues a job holds, counting the base, for inserts and splits alike', () => {
    const full: CueLayer = { overrides: {}, added: Array.from({ length: cueCountLimit - base.length }, (_, index) => ({ id: `u${index + 1}`, startMs: 100, endMs: 900, sourceText: '', targetText: 'x' })), nextId: cueCountLimit };
    expect(refusal([{ op: 'insert', startMs: 100, endMs: 900, targetText: 'one more' }], full).details).toEqual([`Edit 1: a job may hold at most ${cueCountLimit} cues [rule: cue-count]`]);
    expect(refusal([{ op: 'split', id: 'b1', atMs: 1500 }], full).details[0]).toContain('[rule: cue-count]');
    // Deleting an added cue makes room for another.
    expect(apply([{ op: 'delete', id: 'u1' }, { op: 'insert', startMs: 100, endMs: 900, targetText: 'room again' }], full).cues).toHaveLength(cueCountLimit);
  });

  it('applies a batch of the most edits a request may carry, in time order', () => {
    const inserts: CueEdit[] = Array.from({ length: 5000 }, (_, index) => ({ op: 'insert', startMs: (index * 7) % 9000, endMs: ((index * 7) % 9000) + 500, targetText: `line ${index}` }));
    const outcome = apply(inserts);
    expect(outcome.cues).toHaveLength(base.length + 5000);
    expect(outcome.cues.every((cue, index) => index === 0 || outcome.cues[index - 1]!.startMs <= cue.startMs)).toBe(true);
  });

  it('splits unspaced text between characters', () => {
    expect(splitText('こんにちは世界', 0.5)).toEqual(['こんにち', 'は世界']);
    expect(splitText('one', 0.5)).toEqual(['on', 'e']);
  });

  it('sets a cue\'s speaker, keeps the subtitles\' actor until then, and gives it back on null', () => {
    const voiced: BaseCue[] = base.map((cue, index) => (index === 1 ? { ...cue, speaker: 'Ann' } : cue));
    expect(layeredCues(voiced, emptyLayer).map((cue) => cue.speaker)).toEqual([undefined, 'Ann', undefined]);
    const set = applyCueEdits(voiced, emptyLayer, [{ op: 'update', index: 1, speaker: 'SPEAKER_2' }, { op: 'update', index: 0, speaker: '  Bob ' }], media);
    expect(set.cues.map((cue) => [cue.speaker, cue.edited])).toEqual([['Bob', true], ['SPEAKER_2', true], [undefined, false]]);
    const back = applyCueEdits(voiced, set.layer, [{ op: 'update', index: 1, speaker: null }], media);
    expect(back.cues[1]!.speaker).toBe('Ann');
    // An added cue takes a speaker too, and loses it the same way.
    const added = applyCueEdits(voiced, emptyLayer, [{ op: 'insert', startMs: 7000, endMs: 8000, targetText: 'Hola' }, { op: 'update', index: 3, speaker: 'Cleo' }], media);
    expect(added.cues[3]!.speaker).toBe('Cleo');
    expect(applyCueEdits(voiced, added.layer, [{ op: 'update', index: 3, speaker: null }], media).cues[3]).not.toHaveProperty('speaker');
    // Both halves of a split cue are said by whoever said it.
    const split = applyCueEdits(voiced, emptyLayer, [{ op: 'split', index: 1, atMs: 3000 }], media);
    expect(split.cues.slice(1, 3).map((cue) => cue.speaker)).toEqual(['Ann', 'Ann']);
  });
});
