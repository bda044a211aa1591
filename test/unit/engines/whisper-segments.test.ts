import { describe, expect, it } from 'vitest';
import { whisperSegments } from '../../../src-main/core/engines/asr/whisper-segments.js';

// Ids as in a real multilingual Whisper: text < 50257 (<|endoftext|>), timestamps from 50364.
const ids = { endOfText: 50_257, firstTimestamp: 50_364 };
const at = (seconds: number) => ids.firstTimestamp + Math.round(seconds / 0.02);

describe('whisperSegments', () => {
  it('makes one segment per pair of timestamps, in milliseconds', () => {
    const tokens = [at(0), 15_947, 1_002, 13, at(1), at(1.2), 2_031, 13, at(2.4), ids.endOfText];
    expect(whisperSegments(tokens, ids, 30_000)).toEqual([
      { startMs: 0, endMs: 1_000, tokens: [15_947, 1_002, 13] },
      { startMs: 1_200, endMs: 2_400, tokens: [2_031, 13] },
    ]);
  });

  it('runs text without a closing timestamp to the window end, and clamps times to the window', () => {
    expect(whisperSegments([at(3), 400, at(29.5), 401, ids.endOfText], ids, 4_000)).toEqual([
      { startMs: 3_000, endMs: 4_000, tokens: [400] },
    ]);
    expect(whisperSegments([at(1), 400, 401], ids, 5_000)).toEqual([{ startMs: 1_000, endMs: 5_000, tokens: [400, 401] }]);
  });

  it('ignores what follows <|endoftext|>, specials without text, and text with no time at all starts at 0', () => {
    expect(whisperSegments([400, at(2), ids.endOfText, 401, at(3)], ids, 10_000)).toEqual([{ startMs: 0, endMs: 2_000, tokens: [400] }]);
    expect(whisperSegments([at(0), 50_362, at(1), ids.endOfText], ids, 10_000)).toEqual([]);
  });
});
