import { describe, expect, it } from 'vitest';
import { compressionRatio, isRepetitionLoop } from '../../../src-main/core/engines/asr/repetition.js';

describe('isRepetitionLoop', () => {
  it('passes ordinary sentences, in any script', () => {
    for (const text of ['Hello world.', 'Good morning, how are you today? I hope the trip went well.', 'Hola, ¿qué tal estás hoy?', '今日はとても良い天気ですね。', '']) {
      expect(isRepetitionLoop(text)).toBe(false);
    }
  });

  it('catches Whisper looping on the same words', () => {
    expect(isRepetitionLoop('Thank you. '.repeat(20).trim())).toBe(true);
    expect(isRepetitionLoop('I mean, I mean, I mean, I mean, I mean, I mean, I mean, I mean, I mean, I mean,')).toBe(true);
    expect(compressionRatio('Thank you. '.repeat(20))).toBeGreaterThan(compressionRatio('Thank you.'));
  });
});
