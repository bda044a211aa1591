// The benchmarks' generated videos (numbered spoken lines over a test pattern), made once and kept
// in bench/.generated: the 10-minute one for the dub and edit figures, the hour for the timeline.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateSpokenVideo, sampleLines, type SpokenVideo } from '../fixtures/spoken-video.js';

export const benchDir = path.resolve('bench', '.generated');

/** `gapMs`: the pause between lines (600 ms unless given); shorter pauses put more cues in the same time. */
export async function benchVideo(seconds: number, gapMs?: number): Promise<SpokenVideo & { fresh: boolean }> {
  const name = `talk-${seconds}s${gapMs === undefined ? '' : `-gap${gapMs}`}`;
  const manifest = path.join(benchDir, `${name}.json`);
  if (existsSync(manifest)) {
    const kept = JSON.parse(readFileSync(manifest, 'utf8')) as SpokenVideo;
    if (existsSync(kept.video)) return { ...kept, fresh: false };
  }
  const video = await generateSpokenVideo({ dir: benchDir, name, lines: sampleLines, minimumDurationMs: seconds * 1000, numberLines: true, ...(gapMs === undefined ? {} : { gapMs }) });
  writeFileSync(manifest, JSON.stringify(video));
  return { ...video, fresh: true };
}
