// The spine end to end: dub the bundled sample from the command line and check the file with
// ffprobe; then change one cue's translation and check that only that cue is synthesized again.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFfmpeg, runFfprobeJson } from '../../src-main/core/media/run-ffmpeg.js';
import { bundledSample, parseJson, runRedub, sampleDir, sampleDubArguments, type DubJson } from '../helpers/cli.js';
import { useTemporaryDirectory } from '../helpers/temporary-directory.js';

interface ProbedStream {
  index: number;
  codec_type: string;
  codec_name: string;
  tags?: { language?: string };
  disposition?: { default?: number };
}

async function probe(file: string) {
  return (await runFfprobeJson(['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file])) as {
    streams: ProbedStream[];
    format: { duration: string };
  };
}

async function videoPacketHashes(file: string): Promise<string[]> {
  const { stderr } = await runFfmpeg(['-v', 'error', '-i', file, '-map', '0:v:0', '-c', 'copy', '-f', 'framemd5', 'pipe:2']);
  // One line per packet: stream, dts, pts, duration, size, md5. Time bases may differ in the
  // header between containers; the packets themselves must not.
  return stderr.split('\n').filter((line) => /^\s*0,/.test(line)).map((line) => line.split(',').slice(4).join(',').trim());
}

describe('redub dub on the bundled sample', { timeout: 180_000 }, () => {
  const temporary = useTemporaryDirectory();

  it('exports a dubbed MP4 with the video copied, two tagged audio tracks and soft subtitles', async () => {
    const dataDir = path.join(temporary(), 'data');
    const outDir = path.join(temporary(), 'out');
    const result = await runRedub(sampleDubArguments(dataDir, outDir));
    const json = parseJson<DubJson>(result);
    expect(result.code, result.stderr).toBe(0);
    expect(json.jobs).toHaveLength(1);
    const job = json.jobs[0]!;
    expect(job.state).toBe('done');
    expect(job.language).toBe('es');
    expect(job.cuesSynthesized).toBe(4);
    // Fitting is per cue and recorded: every cue has its speed, within the default 1.35× bound.
    expect(job.cues).toHaveLength(4);
    expect(job.cues.every((cue) => cue.speedFactor !== null && cue.speedFactor >= 1 && cue.speedFactor <= 1.35)).toBe(true);
    expect(job.stages.map((stage) => stage.name)).toEqual(['download', 'probe', 'extract', 'separate', 'diarize', 'vad', 'transcribe', 'translate', 'edit', 'synthesize', 'fit', 'lipsync-audio', 'mix', 'lipsync', 'export', 'waveform', 'background-waveform', 'dub-waveform']);
    // A local file needs no download, a job without lip-sync segments no lip-sync, and one without
    // separation or speaker packs installed neither separates nor looks for speakers; every other stage ran.
    const skipped = new Set(['download', 'lipsync-audio', 'lipsync', 'separate', 'diarize', 'background-waveform']);
    for (const stage of job.stages) expect(stage.state, stage.name).toBe(skipped.has(stage.name) ? 'skipped' : 'done');
    // The probe is the one made before queueing (to refuse what cannot be dubbed), kept for the job.
    expect(job.stages.find((stage) => stage.name === 'probe')).toMatchObject({ reused: true });
    expect(job.stages.filter((stage) => !skipped.has(stage.name) && stage.name !== 'probe').every((stage) => stage.reused === false && typeof stage.ms === 'number')).toBe(true);
    expect(path.isAbsolute(job.outputs.video!)).toBe(true);
    for (const file of Object.values(job.outputs)) expect(existsSync(file!)).toBe(true);

    const input = await probe(path.join(sampleDir, 'sample.mp4'));
    const output = await probe(job.outputs.video!);
    const audio = output.streams.filter((stream) => stream.codec_type === 'audio');
    expect(audio).toHaveLength(2);
    expect(audio[0]!.tags?.language).toBe('spa');
    expect(audio[0]!.disposition?.default).toBe(1);
    expect(audio[1]!.tags?.language).toBe('eng');
    expect(audio[1]!.disposition?.default).toBe(0);
    // The soft subtitles do not show by default over a dub in the same language.
    expect(output.streams.find((stream) => stream.codec_type === 'subtitle')?.disposition?.default).toBe(0);
    expect(output.streams.filter((stream) => stream.codec_type === 'subtitle').map((stream) => stream.tags?.language)).toEqual(['spa']);
    expect(Math.abs(Number(output.format.duration) - Number(input.format.duration)) * 1000).toBeLessThan(100);
    expect(await videoPacketHashes(job.outputs.video!)).toEqual(await videoPacketHashes(path.join(sampleDir, 'sample.mp4')));
    expect(readFileSync(job.outputs.subtitles!, 'utf8')).toContain('Bienvenido a Redub');
    expect(readFileSync(job.outputs.webVtt!, 'utf8')).toMatch(/^WEBVTT\n[\s\S]*Bienvenido a Redub/);
  });

  it('re-synthesizes only the cue whose translation changed', async () => {
    const dataDir = path.join(temporary(), 'data');
    const outDir = path.join(temporary(), 'out');
    const first = parseJson<DubJson>(await runRedub(sampleDubArguments(dataDir, outDir)));
    expect(first.jobs[0]!.state).toBe('done');

    const edited = path.join(temporary(), 'sample.es.edited.srt');
    writeFileSync(edited, readFileSync(path.join(sampleDir, 'sample.es.srt'), 'utf8').replace('Cada frase se dice otra vez', 'Cada línea se repite'));
    const second = await runRedub(sampleDubArguments(dataDir, outDir, { ...bundledSample, targetSubtitles: edited }));
    const job = parseJson<DubJson>(second).jobs[0]!;
    expect(second.code, second.stderr).toBe(0);
    expect(job.state).toBe('done');
    expect(job.cuesSynthesized).toBe(1);
    const reused = Object.fromEntries(job.stages.map((stage) => [stage.name, stage.reused]));
    expect(reused).toMatchObject({ probe: true, extract: true, vad: true, transcribe: true, translate: false, synthesize: false, mix: false, export: false });
  });
});
