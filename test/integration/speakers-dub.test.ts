// Speakers and separation, end to end, through the local API with real worker processes and the
// tiny separator and speaker packs installed: a generated video where two distinct eSpeak NG
// voices (gmw/en and its f3 variant) take turns over a 6 kHz "music" tone is dubbed with stems.
// What a user would check is checked: two speakers found, each line given to the one who spoke
// it, two different target voices; the dub lies over the background without ducking (the log
// says so), the stems are WAVs as long as the original with the tone in the background and the
// speech in the vocals; changing one speaker's voice speaks only that speaker's lines again, and
// setting a cue's speaker by hand gives that cue the other voice.
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWav, readWavLayout } from '../../src-main/core/media/wav.js';
import { importPack } from '../../src-main/core/models/import.js';
import type { CuesView } from '../../src-main/shared/cues.js';
import { generateSpokenVideo, type SpokenVideo } from '../fixtures/spoken-video.js';
import { writeTinyAudioPacks } from '../fixtures/models/tiny-packs.js';
import { apiCalls, startHarness, type Harness } from './server/server-harness.js';

const voices = ['gmw/en', 'gmw/en+f3'];
const toneHz = 6000;
const lines = [
  { source: 'Good morning, everyone.', target: 'Buenos días a todos.' },
  { source: 'Thank you, it is good to be here.', target: 'Gracias, es un placer estar aquí.' },
  { source: 'Shall we begin with the news?', target: '¿Empezamos con las noticias?' },
  { source: 'Yes, there is a lot to tell.', target: 'Sí, hay mucho que contar.' },
  { source: 'Then let us start at once.', target: 'Entonces empecemos ya.' },
  { source: 'The first story is about the weather.', target: 'La primera noticia es sobre el tiempo.' },
];

/** Power of `samples` at `frequency` (Goertzel), per sample. */
function powerAt(samples: Float32Array, sampleRate: number, frequency: number): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * frequency) / sampleRate);
  let [previous, before] = [0, 0];
  for (const sample of samples) [previous, before] = [sample + coefficient * previous - before, previous];
  return (previous * previous + before * before - coefficient * previous * before) / (samples.length * samples.length);
}

function energy(samples: Float32Array): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return sum / samples.length;
}

describe('speakers and separation, end to end', { timeout: 600_000 }, () => {
  let root: string;
  let fixture: SpokenVideo;
  let h: Harness;
  let api: ReturnType<typeof apiCalls>;

  beforeAll(async () => {
    root = realpathSync(mkdtempSync(path.join(tmpdir(), 'redub-speakers-')));
    fixture = await generateSpokenVideo({ dir: path.join(root, 'fixture'), name: 'talk', lines, voices, background: { toneHz, level: 0.05 } });
    const packs = writeTinyAudioPacks(path.join(root, 'packs'), 'https://tiny-packs.invalid');
    for (const pack of packs.packs) await importPack(pack, path.join(root, 'packs', pack.id), path.join(root, 'data'));
    h = await startHarness(root);
    api = apiCalls(h);
  }, 300_000);

  /** What the last synthesis said it did. */
  async function lastSynthesis(id: string): Promise<string | undefined> {
    return (await api.logs(id)).filter((line) => line.stage === 'synthesize' && line.message.startsWith('Synthesized')).at(-1)?.message;
  }

  afterAll(async () => {
    await h?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('finds both speakers, gives them two voices, keeps the music, writes the stems, and re-speaks only the speaker whose voice changed', async () => {
    const created = await api.call<{ jobs: { id: string }[] }>('POST', '/jobs', {
      input: fixture.video, to: ['es'], from: 'en', subtitles: fixture.sourceSubtitles, translations: { es: fixture.targetSubtitles }, outDir: path.join(root, 'out'), stems: true,
    });
    expect(created.status, created.text).toBe(201);
    const id = created.json.jobs[0]!.id;
    const job = await api.done(id);

    // Two speakers, each line given to the voice that spoke it (the first to speak is SPEAKER_1).
    const view = (await api.call<CuesView>('GET', `/jobs/${id}/cues`)).json;
    const expected = fixture.lineVoices.map((voice) => (voice === fixture.lineVoices[0] ? 'SPEAKER_1' : 'SPEAKER_2'));
    expect(view.cues.map((cue) => cue.speaker)).toEqual(expected);
    expect(view.speakers).toEqual([
      { id: 'SPEAKER_1', voice: 'espeak:es', picked: false, cues: 3 },
      { id: 'SPEAKER_2', voice: 'espeak:es+f4', picked: false, cues: 3 },
    ]);
    expect(view.voiceChoices).toContain('espeak:es+m3');
    expect(view.backgroundPeaksVersion).toEqual(expect.any(String));
    const messages = (await api.logs(id)).map((line) => line.message);
    expect(messages).toContainEqual(expect.stringMatching(/Found 2 speakers/));
    expect(messages).toContainEqual(expect.stringMatching(/over the background separated from the voices/));
    expect(messages).toContainEqual(expect.stringMatching(/Voices by speaker: SPEAKER_1: espeak:es, SPEAKER_2: espeak:es\+f4/));

    // The stems: as long as the original to the sample; the tone in the background, the speech in the vocals.
    expect(job.outputs.vocalsStem).toMatch(/talk\.es\.vocals\.wav$/);
    expect(job.outputs.backgroundStem).toMatch(/talk\.es\.background\.wav$/);
    expect(job.outputs.dubStem).toMatch(/talk\.es\.dub\.wav$/);
    const vocals = readWav(job.outputs.vocalsStem!);
    const background = readWav(job.outputs.backgroundStem!);
    expect(readWavLayout(job.outputs.backgroundStem!).dataBytes).toBe(readWavLayout(job.outputs.vocalsStem!).dataBytes);
    expect(Math.abs((vocals.channels[0]!.length * 1000) / vocals.sampleRate - fixture.durationMs)).toBeLessThan(60);
    const rate = background.sampleRate;
    expect(powerAt(background.channels[0]!, rate, toneHz)).toBeGreaterThan(100 * powerAt(vocals.channels[0]!, rate, toneHz));
    const firstLine = fixture.cues[0]!;
    const during = (samples: Float32Array) => samples.subarray(Math.round((firstLine.startMs * rate) / 1000), Math.round((firstLine.endMs * rate) / 1000));
    // The line's speech (mostly below 5 kHz, where the tiny separator draws the line) is in the vocals.
    expect(energy(during(vocals.channels[0]!))).toBeGreaterThan(4 * (energy(during(background.channels[0]!)) - powerAt(during(background.channels[0]!), rate, toneHz) * 2));

    // Another voice for SPEAKER_2: only its three lines are spoken again.
    const replaced = await api.call('PUT', `/jobs/${id}/voices`, { voices: { SPEAKER_2: 'espeak:es+m3' } });
    expect(replaced.status, replaced.text).toBe(200);
    await api.done(id);
    const again = (await api.call<CuesView>('GET', `/jobs/${id}/cues`)).json;
    expect(again.speakers!.map((speaker) => [speaker.id, speaker.voice, speaker.picked])).toEqual([['SPEAKER_1', 'espeak:es', false], ['SPEAKER_2', 'espeak:es+m3', true]]);
    expect(await lastSynthesis(id)).toMatch(/^Synthesized 3 of 6 cues/);

    // A voice that does not exist is refused, naming it; nothing changes.
    const refused = await api.call<{ error: { code: string } }>('PUT', `/jobs/${id}/voices`, { voices: { SPEAKER_2: 'espeak:es+nobody' } });
    expect(refused.status).toBe(422);
    expect(refused.json.error.code).toBe('E_LANGUAGE_UNSUPPORTED');

    // A person gives the first line to SPEAKER_2: that one line is spoken again, in SPEAKER_2's voice.
    const edited = await api.call<CuesView>('PATCH', `/jobs/${id}/cues`, { revision: again.revision, edits: [{ op: 'update', id: again.cues[0]!.id, speaker: 'SPEAKER_2' }] });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.json.cues[0]).toMatchObject({ speaker: 'SPEAKER_2', stale: true });
    expect((await api.call('POST', `/jobs/${id}/render`)).status).toBe(202);
    await api.done(id);
    expect(await lastSynthesis(id)).toMatch(/^Synthesized 1 of 6 cues/);
    const rendered = (await api.call<CuesView>('GET', `/jobs/${id}/cues`)).json;
    expect(rendered.cues[0]).toMatchObject({ speaker: 'SPEAKER_2', stale: false });
    // Cleared again: the cue reads as not rendered (and nobody's) until the render gives it back to SPEAKER_1.
    const cleared = await api.call<CuesView>('PATCH', `/jobs/${id}/cues`, { revision: rendered.revision, edits: [{ op: 'update', id: rendered.cues[0]!.id, speaker: null }] });
    expect(cleared.json.cues[0]).toMatchObject({ speaker: null, stale: true });
    expect((await api.call('POST', `/jobs/${id}/render`)).status).toBe(202);
    await api.done(id);
    expect((await api.call<CuesView>('GET', `/jobs/${id}/cues`)).json.cues[0]).toMatchObject({ speaker: 'SPEAKER_1', stale: false });
    // The speakers keep their order (and so their default voices) whoever speaks first.
    expect(rendered.speakers!.map((speaker) => [speaker.id, speaker.cues])).toEqual([['SPEAKER_1', 2], ['SPEAKER_2', 4]]);
  });
});
