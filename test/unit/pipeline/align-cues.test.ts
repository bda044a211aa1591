import { describe, expect, it } from 'vitest';
import { alignCues, type TimedText } from '../../../src-main/core/pipeline/align-cues.js';

const cue = (startMs: number, endMs: number, text: string): TimedText => ({ startMs, endMs, text });

describe('alignCues', () => {
  it('pairs one-to-one cues with the same timing', () => {
    const source = [cue(0, 1000, 'Hello.'), cue(1500, 3000, 'How are you?')];
    const target = [cue(0, 1000, 'Hola.'), cue(1500, 3000, '¿Cómo estás?')];
    expect(alignCues(source, target)).toEqual([
      { index: 0, startMs: 0, endMs: 1000, sourceText: 'Hello.', targetText: 'Hola.' },
      { index: 1, startMs: 1500, endMs: 3000, sourceText: 'How are you?', targetText: '¿Cómo estás?' },
    ]);
  });

  it('keeps the translation’s timing, not the source’s', () => {
    const [aligned] = alignCues([cue(100, 1100, 'Hello.')], [cue(150, 1300, 'Hola.')]);
    expect(aligned).toMatchObject({ startMs: 150, endMs: 1300, sourceText: 'Hello.' });
  });

  it('joins the source lines a merged translation cue covers, in order', () => {
    const source = [cue(0, 1000, 'Hello.'), cue(1000, 2000, 'Nice to see you.')];
    const [merged] = alignCues(source, [cue(0, 2000, 'Hola, me alegro de verte.')]);
    expect(merged!.sourceText).toBe('Hello. Nice to see you.');
  });

  it('gives a source line to the split translation cue holding most of it, not to both', () => {
    const source = [cue(0, 3000, 'A long sentence.')];
    const aligned = alignCues(source, [cue(0, 2000, 'Una frase'), cue(2000, 3000, 'larga.')]);
    expect(aligned.map((item) => item.sourceText)).toEqual(['A long sentence.', '']);
  });

  it('counts a source line that lies exactly half inside the cue as belonging to it', () => {
    const [aligned] = alignCues([cue(500, 1500, 'Half in.')], [cue(1000, 2000, 'Mitad.')]);
    expect(aligned!.sourceText).toBe('Half in.');
  });

  it('does not take a source line that only touches the cue’s edge', () => {
    const [aligned] = alignCues([cue(0, 1000, 'Before.')], [cue(1000, 2000, 'Después.')]);
    expect(aligned!.sourceText).toBe('');
  });

  it('leaves sourceText empty when there is no source transcript', () => {
    expect(alignCues(null, [cue(0, 1000, 'Hola.')])).toEqual([{ index: 0, startMs: 0, endMs: 1000, sourceText: '', targetText: 'Hola.' }]);
  });

  it('numbers cues by their position in the translation', () => {
    const aligned = alignCues(null, [cue(0, 1, 'a'), cue(5, 6, 'b'), cue(9, 10, 'c')]);
    expect(aligned.map((item) => item.index)).toEqual([0, 1, 2]);
  });

  it('returns no cues for an empty translation', () => {
    expect(alignCues([cue(0, 1000, 'Hello.')], [])).toEqual([]);
  });
});

describe('alignCues: speakers', () => {
  it('takes the translation\'s actor, else that of the first source line the cue translates', () => {
    const source: TimedText[] = [{ ...cue(0, 1000, 'Hi.'), speaker: 'Ann' }, { ...cue(1000, 2000, 'Hello.'), speaker: 'Bob' }, cue(3000, 4000, 'Bye.')];
    const target: TimedText[] = [cue(0, 2000, 'Hola a los dos.'), { ...cue(3000, 4000, 'Adiós.'), speaker: 'Cleo' }];
    expect(alignCues(source, target).map((aligned) => aligned.speaker)).toEqual(['Ann', 'Cleo']);
    // Nobody named: no speaker field at all (cues stored before speakers existed look the same).
    expect(alignCues([cue(0, 1000, 'Hi.')], [cue(0, 1000, 'Hola.')])[0]).not.toHaveProperty('speaker');
  });
});
