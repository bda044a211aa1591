import { readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MediaInfo } from '../../../src-main/core/media/probe.js';
import { ArtifactCache } from '../../../src-main/core/pipeline/artifact-cache.js';
import { prepareDubJobs, type VoiceCheck } from '../../../src-main/core/pipeline/prepare-dub.js';
import type { PlanContext } from '../../../src-main/core/pipeline/stage.js';
import { stageKey } from '../../../src-main/core/pipeline/stage-key.js';
import { keepProbe, probeStage } from '../../../src-main/core/pipeline/stages/probe.js';
import { makeVideo } from '../../helpers/media-fixtures.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectory('redub-keep-probe-');
const checkVoice: VoiceCheck = async () => undefined;

async function prepared(input: string, dir: string) {
  const subtitles = path.join(dir, 'talk.en.srt');
  const translation = path.join(dir, 'talk.es.srt');
  writeFileSync(subtitles, '1\n00:00:00,200 --> 00:00:01,000\nHello there.\n');
  writeFileSync(translation, '1\n00:00:00,200 --> 00:00:01,000\nHola.\n');
  let media: MediaInfo | null = null;
  const [options] = await prepareDubJobs({ input, to: ['es'], subtitles, translations: { es: translation }, outDir: path.join(dir, 'out') }, checkVoice, null, (probed) => (media = probed));
  return { options: options!, media: media as MediaInfo | null };
}

const recorded: { key: string; stage: string }[] = [];
const records = { record: (artifact: { key: string; stage: string }) => void recorded.push({ key: artifact.key, stage: artifact.stage }) };

const keyOf = (cache: ArtifactCache, options: Parameters<typeof keepProbe>[2]) => stageKey(probeStage, probeStage.plan({ options, output: () => null } as unknown as PlanContext)!, cache.root);

describe('the probe made before queueing, kept as the job’s probe artifact', () => {
  it('is what the probe stage itself would find, under the key the stage plans', async () => {
    const dir = temporaryDirectory();
    const video = await makeVideo(dir, { seconds: 1, fps: 15, name: 'talk.mp4' });
    const { options, media } = await prepared(video, dir);
    expect(media).not.toBeNull();
    const cache = new ArtifactCache(path.join(dir, 'artifacts'));
    keepProbe(cache, records, options, media!);
    const key = keyOf(cache, options);
    expect(cache.verify(key)).toEqual({ state: 'valid' });
    expect(recorded).toContainEqual({ key, stage: 'probe' });
    const params = probeStage.plan({ options, output: () => null } as unknown as PlanContext)!;
    const own = await probeStage.run(params, {} as never);
    expect(cache.read(key)).toEqual(JSON.parse(JSON.stringify(own)));
    // Kept once: a second job for the same file finds it there.
    keepProbe(cache, records, options, media!);
    expect(cache.verify(key)).toEqual({ state: 'valid' });
  });

  it('keeps nothing for a path reached through a link (the stage reports the resolved one)', async () => {
    const dir = temporaryDirectory();
    const video = await makeVideo(dir, { seconds: 1, fps: 15, name: 'talk.mp4' });
    const link = path.join(dir, 'link.mp4');
    symlinkSync(video, link);
    const { options, media } = await prepared(link, dir);
    expect(media!.path).not.toBe(options.inputPath);
    const cache = new ArtifactCache(path.join(dir, 'artifacts'));
    keepProbe(cache, records, options, media!);
    expect(cache.has(keyOf(cache, options))).toBe(false);
  });

  it('leaves the stage to probe when the artifact cannot be written, and leaves no partial folder', async () => {
    const dir = temporaryDirectory();
    const video = await makeVideo(dir, { seconds: 1, fps: 15, name: 'talk.mp4' });
    const { options, media } = await prepared(video, dir);
    const root = path.join(dir, 'artifacts');
    const cache = new ArtifactCache(root);
    // The temporary folder's parent is a file now: every write fails as on a broken disk.
    rmSync(path.join(root, 'tmp'), { recursive: true });
    writeFileSync(path.join(root, 'tmp'), '');
    expect(() => keepProbe(cache, records, options, media!)).not.toThrow();
    expect(cache.has(keyOf(cache, options))).toBe(false);
    expect(readdirSync(root)).toEqual(['tmp']);
    expect(recorded.map((entry) => entry.key)).not.toContain(keyOf(cache, options));
  });
});
