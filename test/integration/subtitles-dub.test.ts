// Subtitles from the wild through a whole dub: two speakers talking over each other are both
// spoken, an ASS file's styles reach dub.ass, a legacy code page is read as named, the subtitle
// track shows by default only when asked, and `redub subtitles inspect` reports the same read.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { runFfprobeJson } from '../../src-main/core/media/run-ffmpeg.js';
import { readWav } from '../../src-main/core/media/wav.js';
import { bundledSample, parseJson, runRedub, sampleDubArguments, type DubJson } from '../helpers/cli.js';
import { useTemporaryDirectory } from '../helpers/temporary-directory.js';

const overlappingSource = [
  '1\n00:00:00,500 --> 00:00:04,500\nWelcome to Redub, a studio that dubs your videos.\n',
  '2\n00:00:02,500 --> 00:00:06,000\nEverything runs on your own computer.\n',
  '3\n00:00:07,898 --> 00:00:10,200\nEach line is spoken again in the new language.\n',
].join('\n');
const overlappingTarget = [
  '1\n00:00:00,500 --> 00:00:04,500\nBienvenido a Redub, un estudio\nque dobla tus vídeos.\n',
  '2\n00:00:02,500 --> 00:00:06,000\nTodo funciona en tu ordenador.\n',
  '3\n00:00:07,898 --> 00:00:10,200\nCada frase se dice otra vez.\n',
].join('\n');

async function subtitleDefault(video: string): Promise<number | undefined> {
  const probed = (await runFfprobeJson(['-v', 'error', '-show_streams', '-of', 'json', video])) as { streams: { codec_type: string; disposition?: { default?: number } }[] };
  return probed.streams.find((stream) => stream.codec_type === 'subtitle')?.disposition?.default;
}

function rms(samples: Float32Array, fromMs: number, toMs: number, rate: number): number {
  let sum = 0;
  const from = Math.floor((fromMs * rate) / 1000);
  const to = Math.min(samples.length, Math.floor((toMs * rate) / 1000));
  for (let index = from; index < to; index++) sum += samples[index]! ** 2;
  return Math.sqrt(sum / Math.max(1, to - from));
}

describe('subtitles from the wild in a dub', { timeout: 180_000 }, () => {
  const temporary = useTemporaryDirectory('redub-subtitles-dub-');

  it('speaks both of two overlapping lines, keeps line breaks in the exported subtitles, and hides the subtitle track by default', async () => {
    const source = path.join(temporary(), 'talk.en.srt');
    const target = path.join(temporary(), 'talk.es.srt');
    writeFileSync(source, overlappingSource);
    writeFileSync(target, overlappingTarget);
    const result = await runRedub(sampleDubArguments(path.join(temporary(), 'data'), path.join(temporary(), 'out'), { ...bundledSample, sourceSubtitles: source, targetSubtitles: target }));
    expect(result.code, result.stderr).toBe(0);
    const job = parseJson<DubJson>(result).jobs[0]!;
    expect(job.cuesSynthesized).toBe(3);
    expect(job.cues.map((cue) => [cue.sourceText, cue.targetText])).toEqual([
      ['Welcome to Redub, a studio that dubs your videos.', 'Bienvenido a Redub, un estudio\nque dobla tus vídeos.'],
      ['Everything runs on your own computer.', 'Todo funciona en tu ordenador.'],
      ['Each line is spoken again in the new language.', 'Cada frase se dice otra vez.'],
    ]);
    // The second voice starts while the first still speaks: both are in the stem, each in the
    // stretch where only it is placed.
    const [first, second] = job.cues as unknown as { placedStartMs: number; placedEndMs: number }[];
    expect(second!.placedStartMs).toBe(2500);
    expect(second!.placedStartMs).toBeLessThan(first!.placedEndMs);
    const stem = readWav(job.outputs.dubStem!);
    const rate = stem.sampleRate;
    expect(rms(stem.channels[0]!, first!.placedStartMs + 50, second!.placedStartMs - 50, rate)).toBeGreaterThan(0.005);
    expect(second!.placedEndMs).toBeGreaterThan(first!.placedEndMs + 200);
    expect(rms(stem.channels[0]!, first!.placedEndMs + 50, second!.placedEndMs - 50, rate)).toBeGreaterThan(0.005);
    expect(readFileSync(job.outputs.subtitles!, 'utf8')).toContain('Bienvenido a Redub, un estudio\nque dobla tus vídeos.');
    const outputs = job.outputs as { webVtt?: string };
    expect(readFileSync(outputs.webVtt!, 'utf8')).toMatch(/^WEBVTT\n[\s\S]*00:00:02\.500 --> 00:00:06\.000\nTodo funciona en tu ordenador\./);
    expect(await subtitleDefault(job.outputs.video!)).toBe(0);

    const logs = await runRedub(['jobs', 'logs', job.id, '--data-dir', path.join(temporary(), 'data'), '--json']);
    const messages = parseJson<{ logs: { message: string }[] }>(logs).logs.map((line) => line.message);
    expect(messages).toContain(`Read 3 source cues from ${source} (SRT, utf-8, valid UTF-8); 2 overlap another cue and are all kept.`);
  });

  it('warns about a line placed where the original has no speech, though the mix does not wait for the speech regions', async () => {
    const source = path.join(temporary(), 'talk.en.srt');
    const target = path.join(temporary(), 'talk.es.srt');
    // The sample's speech ends at 13.55 s; a fifth line after it lies over silence.
    writeFileSync(source, `${readFileSync(bundledSample.sourceSubtitles, 'utf8').trimEnd()}\n\n5\n00:00:13,800 --> 00:00:14,400\nThe end.\n`);
    writeFileSync(target, `${readFileSync(bundledSample.targetSubtitles, 'utf8').trimEnd()}\n\n5\n00:00:13,800 --> 00:00:14,400\nFin.\n`);
    const data = path.join(temporary(), 'data');
    const result = await runRedub(sampleDubArguments(data, path.join(temporary(), 'out'), { ...bundledSample, sourceSubtitles: source, targetSubtitles: target }));
    expect(result.code, result.stderr).toBe(0);
    const job = parseJson<DubJson>(result).jobs[0]!;
    const logs = await runRedub(['jobs', 'logs', job.id, '--data-dir', data, '--json']);
    const warnings = parseJson<{ logs: { level: string; message: string }[] }>(logs).logs.filter((line) => line.level === 'warn').map((line) => line.message);
    expect(warnings.filter((message) => message.includes('lies over silence'))).toEqual([expect.stringMatching(/^Cue 5 \(0:00:13\.800\) lies over silence in the original/)]);
  });

  it('reads a Windows-1252 translation named with --subtitles-encoding, and shows the subtitle track with --show-subtitles', async () => {
    const target = path.join(temporary(), 'talk.es.srt');
    writeFileSync(target, iconv.encode(readFileSync(bundledSample.targetSubtitles, 'utf8').replace('Cada frase', '“Cada” frase – 50 €'), 'windows-1252'));
    const result = await runRedub([...sampleDubArguments(path.join(temporary(), 'data'), path.join(temporary(), 'out'), { ...bundledSample, targetSubtitles: target }), '--subtitles-encoding', 'windows-1252', '--show-subtitles']);
    expect(result.code, result.stderr).toBe(0);
    const job = parseJson<DubJson>(result).jobs[0]!;
    expect(job.cues[2]!.targetText).toBe('“Cada” frase – 50 € se dice otra vez en el nuevo idioma.');
    expect(await subtitleDefault(job.outputs.video!)).toBe(1);
  });

  it('dubs from an ASS translation and writes dub subtitles as ASS with its styles and actors', async () => {
    const ass = [
      '[Script Info]',
      'ScriptType: v4.00+',
      '',
      '[V4+ Styles]',
      'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding',
      'Style: Narrator,Georgia,24,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,1,0,0,100,100,0,0,1,2,2,2,10,10,10,1',
      '',
      '[Events]',
      'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
      'Dialogue: 0,0:00:00.50,0:00:03.47,Narrator,Ana,0,0,0,,{\\i1}Bienvenido{\\i0} a Redub.',
      'Comment: 0,0:00:03.00,0:00:04.00,Narrator,,0,0,0,,check timing',
      'Dialogue: 0,0:00:04.07,0:00:07.29,Narrator,Ana,0,0,0,,Todo funciona sin internet.',
      '',
    ].join('\n');
    const target = path.join(temporary(), 'talk.es.ass');
    writeFileSync(target, ass);
    const result = await runRedub(sampleDubArguments(path.join(temporary(), 'data'), path.join(temporary(), 'out'), { ...bundledSample, targetSubtitles: target }));
    expect(result.code, result.stderr).toBe(0);
    const job = parseJson<DubJson>(result).jobs[0]!;
    expect(job.cues.map((cue) => cue.targetText)).toEqual(['Bienvenido a Redub.', 'Todo funciona sin internet.']);
    const written = readFileSync((job.outputs as { ass?: string }).ass!, 'utf8');
    expect(written).toContain('Style: Narrator,Georgia,24');
    expect(written).toContain('Dialogue: 0,0:00:00.50,0:00:03.47,Narrator,Ana,0000,0000,0000,,Bienvenido a Redub.');
  });

  it('redub subtitles inspect --json prints the format, the encoding, the cues and the warnings', async () => {
    const file = path.join(temporary(), 'wild.srt');
    writeFileSync(file, iconv.encode('1\n00:00:01,000 -> 00:00:02,000\nПривет\n\n2\n00:00:01,500 --> 00:00:03,000\n< i>Второй< /i >\n\n3\n00:00:04,000 --> 00:00:04,000\nПусто\n', 'windows-1251'));
    const result = await runRedub(['subtitles', 'inspect', file, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(parseJson(result)).toEqual({
      format: 'srt',
      encoding: 'windows-1251',
      encodingHow: 'detected',
      cues: [
        { index: 1, startMs: 1000, endMs: 2000, text: 'Привет', speaker: null, overlapping: true, line: 2 },
        { index: 2, startMs: 1500, endMs: 3000, text: 'Второй', speaker: null, overlapping: true, line: 6 },
      ],
      warnings: [{ line: 10, message: 'Skipped a cue that lasts no time (timing "00:00:04,000 --> 00:00:04,000").' }],
    });
    const unknown = await runRedub(['subtitles', 'inspect', file, '--encoding', 'nonsense', '--json']);
    expect(unknown.code).toBe(2);
    expect(parseJson<{ error: { code: string } }>(unknown).error.code).toBe('E_SUBTITLES_ENCODING');
  });
});
