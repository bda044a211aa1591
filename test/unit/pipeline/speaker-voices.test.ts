// Which voice each speaker speaks with: a person's pick, else the next of the job's default voices
// that nobody has, in a stable order of speakers, so that an edit never moves voices around.
import { describe, expect, it } from 'vitest';
import type { SpeechChoice } from '../../../src-main/core/pipeline/dub-options.js';
import { assignVoices, speakersOf, voiceName } from '../../../src-main/core/pipeline/speaker-voices.js';
import { speakerVoiceRequests } from '../../../src-main/core/pipeline/speech-choice.js';
import type { RedubError } from '../../../src-main/shared/errors.js';

const espeak = (voice: string | null): SpeechChoice => ({ engine: 'espeak', voice });
const piper: SpeechChoice = { engine: 'piper', voice: 'es_ES-davefx-medium', packId: 'piper-es-es-davefx-medium', packDir: '/p', modelPath: '/p/v.onnx' };
const pool = [piper, espeak('es+f3'), espeak('es+m3')];
const job = (speakerVoices: Record<string, SpeechChoice> = {}, voicePool = pool) => ({ language: 'es', speech: piper, speakerVoices, voicePool });
const names = (assigned: Map<string, SpeechChoice>) => Object.fromEntries([...assigned].map(([speaker, choice]) => [speaker, voiceName(choice, 'es')]));

describe('speaker voices', () => {
  it('names voices as --voice takes them', () => {
    expect(voiceName(piper, 'es')).toBe('piper:piper-es-es-davefx-medium');
    expect(voiceName(espeak(null), 'es')).toBe('espeak:es');
    expect(voiceName(espeak('es+f3'), 'es')).toBe('espeak:es+f3');
  });

  it('gives speakers the pool in order, the job\'s own voice first, and starts the pool again once all are taken', () => {
    expect(names(assignVoices(['SPEAKER_1', 'SPEAKER_2', 'SPEAKER_3', 'SPEAKER_4'], job()))).toEqual({
      SPEAKER_1: 'piper:piper-es-es-davefx-medium', SPEAKER_2: 'espeak:es+f3', SPEAKER_3: 'espeak:es+m3', SPEAKER_4: 'piper:piper-es-es-davefx-medium',
    });
  });

  it('keeps a person\'s pick, and a pick never moves another speaker\'s voice', () => {
    const before = names(assignVoices(['SPEAKER_1', 'SPEAKER_2', 'SPEAKER_3'], job()));
    expect(names(assignVoices(['SPEAKER_1', 'SPEAKER_2', 'SPEAKER_3'], job({ SPEAKER_1: espeak('es+m7') })))).toEqual({ ...before, SPEAKER_1: 'espeak:es+m7' });
    expect(names(assignVoices(['SPEAKER_1', 'SPEAKER_2', 'SPEAKER_3'], job({ SPEAKER_2: piper })))).toEqual({ ...before, SPEAKER_2: 'piper:piper-es-es-davefx-medium' });
  });

  it('gives a speaker the slot of its number whoever else speaks, and names the slots after the numbers', () => {
    // SPEAKER_2 alone (the first speaker's lines all moved to it) keeps its voice.
    expect(names(assignVoices(['SPEAKER_2'], job()))).toEqual({ SPEAKER_2: 'espeak:es+f3' });
    expect(names(assignVoices(['Ann', 'Bob', 'SPEAKER_1'], job()))).toEqual({ SPEAKER_1: 'piper:piper-es-es-davefx-medium', Ann: 'espeak:es+f3', Bob: 'espeak:es+m3' });
    expect(names(assignVoices(['Ann', 'Bob'], job()))).toEqual({ Ann: 'piper:piper-es-es-davefx-medium', Bob: 'espeak:es+f3' });
  });

  it('speaks every speaker with the job\'s voice when the job has no pool (an older job)', () => {
    expect(names(assignVoices(['A', 'B'], job({}, [])))).toEqual({ A: 'piper:piper-es-es-davefx-medium', B: 'piper:piper-es-es-davefx-medium' });
  });

  it('orders speakers the same whoever speaks first: numbers as numbers, then names', () => {
    const cues = [{ speaker: 'SPEAKER_10' }, { speaker: null }, { speaker: 'Bob' }, { speaker: 'SPEAKER_2' }, { speaker: 'alice' }, { speaker: 'SPEAKER_2' }, {}];
    expect(speakersOf(cues)).toEqual(['alice', 'Bob', 'SPEAKER_2', 'SPEAKER_10']);
    expect(speakersOf([...cues].reverse())).toEqual(speakersOf(cues));
  });

  it('splits --voice keys into the language\'s voice and the speakers\' voices', () => {
    expect(speakerVoiceRequests({ es: 'espeak:es', 'ES:SPEAKER_2': 'es+f3', 'fr:Jean Luc': 'piper:x' })).toEqual({
      languages: { es: 'espeak:es' },
      speakers: { es: { SPEAKER_2: 'es+f3' }, fr: { 'Jean Luc': 'piper:x' } },
    });
    const refusal = (voices: Record<string, string>) => {
      try {
        speakerVoiceRequests(voices);
      } catch (error) {
        return (error as RedubError).code;
      }
      return null;
    };
    expect(refusal({ 'es:': 'es' })).toBe('E_USAGE');
    expect(refusal({ 'es:SPEAKER_1': '' })).toBe('E_USAGE');
  });
});
