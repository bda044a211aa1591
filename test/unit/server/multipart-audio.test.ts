// The refIds uploaded audio files get: a part's own (audio.<refId>) first, then one made from each
// plain `audio` part's file name, never "dub" and never one already taken.
import { describe, expect, it } from 'vitest';
import { audioRefIds } from '../../../src-main/server/multipart-upload.js';
import { audioRefIdPattern } from '../../../src-main/shared/lipsync.js';

describe('audioRefIds', () => {
  it('keeps the refId a part names', () => {
    expect(audioRefIds([{ refId: 'narrator', fileName: 'x.wav' }, { refId: 'music', fileName: 'y.mp3' }])).toEqual(['narrator', 'music']);
  });

  it('makes one from the file name: no extension, other characters as "-"', () => {
    expect(audioRefIds([{ refId: null, fileName: 'Take 2 (final).wav' }, { refId: null, fileName: 'voice_over.m4a' }, { refId: null, fileName: 'no-extension' }])).toEqual(['Take-2-final', 'voice_over', 'no-extension']);
  });

  it('adds -2, -3, … when the name is taken (a named part wins wherever it comes) or is "dub"', () => {
    const ids = audioRefIds([
      { refId: null, fileName: 'voice.wav' },
      { refId: null, fileName: 'voice.mp3' },
      { refId: 'voice-2', fileName: 'other.wav' },
      { refId: null, fileName: 'dub.wav' },
      { refId: null, fileName: 'dub.flac' },
    ]);
    expect(ids).toEqual(['voice', 'voice-3', 'voice-2', 'dub-2', 'dub-3']);
  });

  it('falls back to "audio" for a name with nothing a refId can hold, and stays within the pattern for long names', () => {
    const ids = audioRefIds([{ refId: null, fileName: 'ééé.wav' }, { refId: null, fileName: '__.wav' }, { refId: null, fileName: `${'long'.repeat(40)}.wav` }]);
    expect(ids.slice(0, 2)).toEqual(['audio', 'audio-2']);
    for (const id of ids) expect(id).toMatch(audioRefIdPattern);
  });
});
