// A full disk under the smart cut: whichever file runs out of room (the copy of the original's
// video, or the joined result), the cut ends with E_DISK_FULL and leaves nothing behind. Mounting
// a small tmpfs needs root: elsewhere the test skips and says why.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedubError } from '../../../src-main/shared/errors.js';
import { readFrames } from '../../../src-main/core/media/raw-video.js';
import { smartCutVideo } from '../../../src-main/core/media/smart-cut.js';
import { makeGopVideo } from '../../fixtures/gop-video.js';

const root = mkdtempSync(path.join(tmpdir(), 'redub-smart-cut-disk-'));

function mount(name: string, sizeBytes: number): string | null {
  const folder = path.join(root, name);
  mkdirSync(folder, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${Math.ceil(sizeBytes / 4096) * 4096}`, 'tmpfs', folder], { stdio: 'pipe' });
    return folder;
  } catch {
    return null;
  }
}

const probe = process.platform === 'linux' ? mount('probe', 1 << 20) : null;
if (probe) execFileSync('umount', [probe]);
const skipReason = probe ? null : 'cannot mount a tmpfs here (needs root on Linux)';
const mounts: string[] = [];
let video = '';

describe.skipIf(skipReason !== null)(`the smart cut on a full disk${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  beforeAll(async () => {
    mkdirSync(path.join(root, 'input'));
    video = await makeGopVideo(path.join(root, 'input'), { seconds: 8, size: '640x360', audio: true });
  });
  afterAll(() => {
    for (const folder of mounts) execFileSync('umount', ['-l', folder]);
    rmSync(root, { recursive: true, force: true });
  });

  it.each([
    // The copy of the video stream alone does not fit.
    ['the copy of the video', 0.5],
    // The copy fits, the joined result beside it does not.
    ['the joined video', 1.4],
  ])('fails with E_DISK_FULL when %s does not fit', async (name, share) => {
    const disk = mount(name.replace(/\W+/g, '-'), statSync(video).size * share);
    expect(disk).not.toBeNull();
    mounts.push(disk!);
    const run = smartCutVideo({
      inputPath: video,
      outputPath: path.join(disk!, 'cut.mp4'),
      ranges: [[80, 90]],
      renderFrames: (fromFrame, toFrame) => readFrames(video, { fromFrame, frameCount: toFrame - fromFrame, width: 640, height: 360, fps: 25 }),
      quality: { preset: 'ultrafast' },
    });
    const error = await run.catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(RedubError);
    expect((error as RedubError).code).toBe('E_DISK_FULL');
    expect(readdirSync(disk!)).toEqual([]);
  });
});
