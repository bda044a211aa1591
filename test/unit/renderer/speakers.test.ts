import { describe, expect, it } from 'vitest';
import type { CueView, SpeakerView } from '../../../src-main/shared/cues.js';
import { speakerEdit } from '../../../src-renderer/features/timeline/cue-editor.js';
import { cueName } from '../../../src-renderer/features/timeline/cue-lane.js';
import { speakerClass, speakerColours, speakerPaletteSize } from '../../../src-renderer/features/timeline/speaker-colours.js';
import { cueCount, defaultVoice, selectedVoice, voiceLabel, voiceOptions, voicesRequest } from '../../../src-renderer/features/timeline/speaker-voices.js';

const speaker = (id: string, voice: string, picked = false, cues = 1): SpeakerView => ({ id, voice, picked, cues });

const cue = (fields: Partial<CueView> = {}): CueView => ({
  index: 1, id: 'b2', startMs: 1200, endMs: 2500, sourceText: 'Hello', targetText: 'Hola', speedFactor: null, placedStartMs: null, placedEndMs: null, flag: null,
  edited: false, stale: false, overlaps: false, ...fields,
});

describe('the speakers’ colours', () => {
  it('gives each speaker the colour of its place in the list, the same however often it is asked', () => {
    const speakers = [speaker('SPEAKER_1', 'espeak:es'), speaker('Alice', 'espeak:es+f3'), speaker('Bob', 'espeak:es+m3')];
    const colours = speakerColours(speakers);
    expect([...colours]).toEqual([['SPEAKER_1', 0], ['Alice', 1], ['Bob', 2]]);
    expect([...speakerColours([...speakers])]).toEqual([...colours]);
  });

  it('takes the palette again past its end, and a name listed twice keeps its first colour', () => {
    const many = Array.from({ length: speakerPaletteSize + 2 }, (_, index) => speaker(`SPEAKER_${index + 1}`, 'espeak:es'));
    const colours = speakerColours([...many, speaker('SPEAKER_2', 'espeak:es')]);
    expect(colours.size).toBe(speakerPaletteSize + 2);
    expect(colours.get('SPEAKER_2')).toBe(1);
    expect(colours.get(`SPEAKER_${speakerPaletteSize + 1}`)).toBe(0);
    expect(colours.get(`SPEAKER_${speakerPaletteSize + 2}`)).toBe(1);
  });

  it('names the classes of a known speaker, and none for nobody or a name the list lacks', () => {
    const colours = speakerColours([speaker('Ana', 'espeak:es'), speaker('Luis', 'espeak:es+f3')]);
    expect(speakerClass(colours, 'Luis', 'cue-block')).toBe(' cue-block--speaker cue-block--speaker-1');
    expect(speakerClass(colours, null, 'cue-block')).toBe('');
    expect(speakerClass(colours, undefined, 'cue-block')).toBe('');
    expect(speakerClass(colours, 'Marta', 'cue-block')).toBe('');
    // Not Object.prototype's members either.
    expect(speakerClass(colours, 'constructor', 'cue-block')).toBe('');
  });
});

describe('the voices a change sends', () => {
  const speakers = [speaker('SPEAKER_1', 'espeak:es+m3', true), speaker('SPEAKER_2', 'espeak:es+f3'), speaker('SPEAKER_3', 'piper:piper-es-es-davefx-medium', true)];

  it('keeps every other pick, leaves the unpicked out, and gives the changed speaker its new voice', () => {
    expect(voicesRequest(speakers, 'SPEAKER_2', 'espeak:es')).toEqual({ voices: { SPEAKER_1: 'espeak:es+m3', SPEAKER_2: 'espeak:es', SPEAKER_3: 'piper:piper-es-es-davefx-medium' } });
    expect(voicesRequest(speakers, 'SPEAKER_1', 'espeak:es+f4')).toEqual({ voices: { SPEAKER_1: 'espeak:es+f4', SPEAKER_3: 'piper:piper-es-es-davefx-medium' } });
  });

  it('leaves a speaker set back to its default out, so the core gives it its default', () => {
    expect(voicesRequest(speakers, 'SPEAKER_3', defaultVoice)).toEqual({ voices: { SPEAKER_1: 'espeak:es+m3' } });
    expect(voicesRequest(speakers, 'SPEAKER_1', null)).toEqual({ voices: { SPEAKER_3: 'piper:piper-es-es-davefx-medium' } });
    expect(voicesRequest([speaker('Ana', 'espeak:es')], 'Ana', null)).toEqual({ voices: {} });
  });

  it('sends a speaker named like an object member as a key of its own', () => {
    const request = voicesRequest([speaker('__proto__', 'espeak:es', true), speaker('Ana', 'espeak:es')], 'Ana', 'espeak:es+f3');
    expect(Object.keys(request.voices)).toEqual(['__proto__', 'Ana']);
    expect(JSON.parse(JSON.stringify(request))).toEqual({ voices: { ['__proto__']: 'espeak:es', Ana: 'espeak:es+f3' } });
  });

  it('lists the job’s voices, and a speaker’s own voice where they lack it', () => {
    const choices = ['espeak:es', 'espeak:es+f3'];
    expect(voiceOptions(choices, 'espeak:es+f3')).toEqual(choices);
    expect(voiceOptions(choices, 'piper:piper-es-es-davefx-medium')).toEqual([...choices, 'piper:piper-es-es-davefx-medium']);
    expect(voiceOptions(choices, '')).toEqual(choices);
    expect(selectedVoice(speaker('Ana', 'espeak:es', true))).toBe('espeak:es');
    expect(selectedVoice(speaker('Ana', 'espeak:es', false))).toBe(defaultVoice);
  });

  it('reads voices and counts as a person would say them', () => {
    expect(voiceLabel('espeak:es+f3')).toBe('eSpeak NG es, variant f3');
    expect(voiceLabel('espeak:es')).toBe('eSpeak NG es');
    expect(voiceLabel('piper:piper-es-es-davefx-medium')).toBe('Piper piper-es-es-davefx-medium');
    expect(voiceLabel('other')).toBe('other');
    expect(voiceLabel('kokoro:af')).toBe('kokoro:af');
    expect(cueCount(1)).toBe('1 cue');
    expect(cueCount(3)).toBe('3 cues');
  });
});

describe('a cue’s speaker', () => {
  it('is in the block’s accessible name, dub and source alike, and left out when nobody is named', () => {
    expect(cueName(cue({ speaker: 'SPEAKER_2', stale: true }), 'dub')).toBe('Cue 2, 0:01.200 to 0:02.500, spoken by SPEAKER_2: Hola (not rendered yet)');
    expect(cueName(cue({ speaker: 'Ana' }), 'source')).toBe('Source line 2, 0:01.200 to 0:02.500, spoken by Ana: Hello');
    expect(cueName(cue({ speaker: null }), 'dub')).toBe('Cue 2, 0:01.200 to 0:02.500: Hola');
    expect(cueName(cue(), 'dub')).toBe('Cue 2, 0:01.200 to 0:02.500: Hola');
  });

  it('is sent trimmed from the editor, and an empty field gives the cue back to the automatic speaker', () => {
    expect(speakerEdit('  Ana  ')).toBe('Ana');
    expect(speakerEdit('')).toBeNull();
    expect(speakerEdit('   ')).toBeNull();
  });
});
