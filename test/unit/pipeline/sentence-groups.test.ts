import { describe, expect, it } from 'vitest';
import { joinGroup, sentenceGroups, splitTranslation } from '../../../src-main/core/pipeline/sentence-groups.js';

const cue = (startMs: number, endMs: number, text: string) => ({ startMs, endMs, text });

describe('sentenceGroups', () => {
  it('joins cues until one ends a sentence, and never across a long pause', () => {
    const cues = [
      cue(0, 1_000, 'I went to the'),
      cue(1_100, 2_000, 'market yesterday.'),
      cue(2_100, 3_000, 'It was closed!'),
      cue(3_100, 4_000, 'So I waited'),
      cue(6_000, 7_000, 'and then left'),
      cue(7_100, 8_000, '"Really?" she said'),
    ];
    expect(sentenceGroups(cues)).toEqual([[0, 1], [2], [3], [4, 5]]);
  });

  it('keeps closing quotes and other scripts\' full stops as sentence ends, and caps a group', () => {
    expect(sentenceGroups([cue(0, 1, 'He said "stop."'), cue(2, 3, 'next')])).toEqual([[0], [1]]);
    expect(sentenceGroups([cue(0, 1, '你好。'), cue(2, 3, '再见')])).toEqual([[0], [1]]);
    const run = Array.from({ length: 6 }, (_, index) => cue(index * 100, index * 100 + 90, 'and'));
    expect(sentenceGroups(run)).toEqual([[0, 1, 2, 3], [4, 5]]);
    expect(sentenceGroups([cue(0, 1, 'x'.repeat(300)), cue(2, 3, 'y'.repeat(200))], { maxChars: 400 })).toEqual([[0], [1]]);
  });

  it('leaves empty cues on their own', () => {
    expect(sentenceGroups([cue(0, 1, 'one'), cue(2, 3, ''), cue(4, 5, 'two')])).toEqual([[0], [1], [2]]);
  });
});

describe('splitTranslation', () => {
  it('shares the words out by the length of each source cue, every cue getting some', () => {
    expect(joinGroup([' I went to the ', 'market yesterday.'])).toBe('I went to the market yesterday.');
    expect(splitTranslation('Ayer fui al mercado del pueblo.', ['I went to the', 'market yesterday.'])).toEqual(['Ayer fui al', 'mercado del pueblo.']);
    expect(splitTranslation('Sí.', ['Yes, I', 'think', 'so.'])).toEqual(['Sí.', '', '']);
    expect(splitTranslation('uno dos', ['a very long first line of text', 'b'])).toEqual(['uno', 'dos']);
  });

  it('splits scripts without spaces by character, and keeps a single cue whole', () => {
    expect(splitTranslation('我昨天去了市场', ['I went to the', 'market yesterday.'])).toEqual(['我昨天', '去了市场']);
    expect(splitTranslation(' Hola mundo. ', ['Hello world.'])).toEqual(['Hola mundo.']);
  });
});
