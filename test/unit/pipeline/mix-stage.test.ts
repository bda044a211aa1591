// The mix stage's patch path must give what a full render gives (at the base's gain), and must
// leave the base artifact untouched.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mixDub } from '../../../src-main/core/engines/mix/mix-dub.js';
import { readWav, writeWav } from '../../../src-main/core/media/wav.js';
import { changedRanges, mixStage, type MixParams, type MixResult } from '../../../src-main/core/pipeline/stages/mix.js';
import type { MixCue } from '../../../src-main/core/pipeline/mix-renderer.js';
import type { StageContext } from '../../../src-main/core/pipeline/stage.js';
import { EngineCache } from '../../../src-main/core/pipeline/engine-cache.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

const rate = 48_000;

function tone(seconds: number, frequency: number, level: number): Float32Array {
  const samples = new Float32Array(Math.round(seconds * rate));
  for (let i = 0; i < samples.length; i++) samples[i] = level * Math.sin((2 * Math.PI * frequency * i) / rate);
  return samples;
}

function context(outDir: string): StageContext {
  return {
    task: { taskId: 't', stage: 'mix', params: null, outDir, artifactsRoot: outDir },
    engines: new EngineCache(),
    reportProgress: () => undefined,
    log: () => undefined,
    useExecutionProvider: () => undefined,
  };
}

describe('mix stage', () => {
  const temporary = useTemporaryDirectory();

  function fixture() {
    const dir = temporary();
    const originalPath = path.join(dir, 'original.wav');
    writeWav(originalPath, [tone(12, 110, 0.1), tone(12, 165, 0.1)], rate);
    const cueFile = (name: string, frequency: number) => {
      const file = path.join(dir, `${name}.wav`);
      writeWav(file, [tone(1.2, frequency, 0.3)], rate);
      return file;
    };
    const cues: MixCue[] = [
      { file: cueFile('a', 300), placedStartMs: 1000, placedEndMs: 2200 },
      { file: cueFile('b', 400), placedStartMs: 4000, placedEndMs: 5200 },
      { file: cueFile('c', 500), placedStartMs: 8000, placedEndMs: 9200 },
    ];
    return { dir, originalPath, cues, cueFile };
  }

  it('patches only around a changed cue and matches a full render at the base gain', async () => {
    const { dir, originalPath, cues, cueFile } = fixture();
    const baseDir = path.join(dir, 'base');
    const params: MixParams = { extractKey: 'x', originalPath, targetLufs: -16, cues, base: null };
    mkdirSync(baseDir);
    const base = (await mixStage.run(params, context(baseDir))) as MixResult;
    expect(base.incremental).toBe(false);
    const baseMixBytes = readFileSync(path.join(baseDir, 'mix.wav'));
    const baseAacBytes = readFileSync(path.join(baseDir, 'dub.aac'));

    const edited = [cues[0]!, { file: cueFile('b2', 700), placedStartMs: 4000, placedEndMs: 4900 }, cues[2]!];
    const patchDir = path.join(dir, 'patch');
    mkdirSync(patchDir);
    const patched = (await mixStage.run(
      { ...params, cues: edited, base: { voicePath: path.join(baseDir, 'voice.wav'), mixPath: path.join(baseDir, 'mix.wav'), encodedPath: path.join(baseDir, 'dub.aac'), gainDb: base.gainDb, cues } },
      context(patchDir),
    )) as MixResult;
    expect(patched.incremental).toBe(true);
    expect(patched.gainDb).toBe(base.gainDb);
    expect(readFileSync(path.join(baseDir, 'mix.wav')).equals(baseMixBytes)).toBe(true);
    // The export patches the dub track (media/aac-patch.test.ts checks how): the mix names the base's track and what changed, around the edited cue only.
    expect(patched.encodedFile).toBeNull();
    expect(patched.aacPatch?.basePath).toBe(path.join(baseDir, 'dub.aac'));
    expect(patched.aacPatch?.changed).toHaveLength(1);
    const [from, to] = patched.aacPatch!.changed[0]!;
    expect(from).toBeLessThanOrEqual(4 * rate - 0.3 * rate);
    expect(to).toBeGreaterThanOrEqual(5.2 * rate);
    expect(to - from).toBeLessThan(3 * rate);
    expect(readFileSync(path.join(baseDir, 'dub.aac')).equals(baseAacBytes)).toBe(true);

    const original = readWav(originalPath).channels;
    const expected = mixDub({ original, sampleRate: rate, cues: edited.map((cue) => ({ samples: readWav(cue.file!).channels[0]!, startMs: cue.placedStartMs, endMs: cue.placedEndMs })) });
    const gain = 10 ** (base.gainDb / 20);
    const got = readWav(path.join(patchDir, 'mix.wav')).channels;
    const voice = readWav(path.join(patchDir, 'voice.wav')).channels[0]!;
    let worstMix = 0;
    let worstVoice = 0;
    for (let i = 0; i < voice.length; i++) {
      worstVoice = Math.max(worstVoice, Math.abs(voice[i]! - expected.voice[i]!));
      for (let channel = 0; channel < 2; channel++) worstMix = Math.max(worstMix, Math.abs(got[channel]![i]! - expected.mix[channel]![i]! * gain));
    }
    expect(worstVoice).toBeLessThan(3 / 32768);
    expect(worstMix).toBeLessThan(3 / 32768);
  });

  it('leaves the encode to the export when the base mix has no AAC track (cached before mixes encoded)', async () => {
    const { dir, originalPath, cues, cueFile } = fixture();
    const baseDir = path.join(dir, 'old-base');
    mkdirSync(baseDir);
    const params: MixParams = { extractKey: 'x', originalPath, targetLufs: -16, cues, base: null };
    const base = (await mixStage.run(params, context(baseDir))) as MixResult;
    const patchDir = path.join(dir, 'old-patch');
    mkdirSync(patchDir);
    const edited = [cues[0]!, cues[1]!, { file: cueFile('c2', 650), placedStartMs: 8000, placedEndMs: 9000 }];
    const patched = (await mixStage.run(
      { ...params, cues: edited, base: { voicePath: path.join(baseDir, 'voice.wav'), mixPath: path.join(baseDir, 'mix.wav'), encodedPath: null, gainDb: base.gainDb, cues } },
      context(patchDir),
    )) as MixResult;
    expect(patched.incremental).toBe(true);
    expect(patched.encodedFile).toBeNull();
    expect(patched.aacPatch).toBeNull();
  });

  it('names the changed time, with margins, and counts a moved cue once', () => {
    const cue: MixCue = { file: 'a.wav', placedStartMs: 5000, placedEndMs: 6000 };
    const moved: MixCue = { ...cue, placedStartMs: 5200, placedEndMs: 6200 };
    expect(changedRanges([cue], [cue])).toEqual({ count: 0, ranges: [] });
    expect(changedRanges([cue], [moved])).toEqual({ count: 1, ranges: [[4600, 6600]] });
  });
});
