// A full disk under the streamed mix: whichever file runs out of room (the mix, or the AAC the
// encoders write), the mix ends with E_DISK_FULL — never a hang on a dead encoder's pipe, never a
// crash. Mounting a small tmpfs needs root: elsewhere the test skips and says why.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RedubError } from '../../../src-main/shared/errors.js';
import { writeWav } from '../../../src-main/core/media/wav.js';
import { streamMix } from '../../../src-main/core/pipeline/streaming-mix.js';

const root = mkdtempSync(path.join(tmpdir(), 'redub-mix-disk-'));
const rate = 48_000;

function mount(name: string, size: string): string | null {
  const folder = path.join(root, name);
  mkdirSync(folder, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', folder], { stdio: 'pipe' });
    return folder;
  } catch {
    return null;
  }
}

const probe = process.platform === 'linux' ? mount('probe', '1m') : null;
if (probe) execFileSync('umount', [probe]);
const skipReason = probe ? null : 'cannot mount a tmpfs here (needs root on Linux)';
const mounts: string[] = [];

describe.skipIf(skipReason !== null)(`the streamed mix on a full disk${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  afterAll(() => {
    for (const folder of mounts) execFileSync('umount', ['-l', folder]);
    rmSync(root, { recursive: true, force: true });
  });

  function original(): string {
    const file = path.join(root, 'original.wav');
    const channels = [0, 1].map(() => Float32Array.from({ length: 50 * rate }, (_, i) => 0.1 * Math.sin(i / 20)));
    writeWav(file, channels, rate);
    return file;
  }

  it.each([
    ['the mix WAV', 'mix', '6m'],
    ['the encoded AAC', 'aac', '14m'],
  ])('fails with E_DISK_FULL when %s does not fit', async (_, name, size) => {
    const disk = mount(name, size)!;
    mounts.push(disk);
    const originalPath = original();
    // 50 s: the voice (4.8 MB) fits the small disk, the mix (9.6 MB) does not; on the larger one both fit and the AAC parts do not.
    const run = streamMix({
      originalPath,
      cues: [],
      targetLufs: -16,
      voicePath: path.join(disk, 'voice.wav'),
      mixPath: path.join(disk, 'mix.wav'),
      encoded: { path: path.join(disk, 'dub.aac'), encoders: 2, bitRate: '192k' },
      pause: async () => undefined,
    });
    const error = await run.catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(RedubError);
    expect((error as RedubError).code).toBe('E_DISK_FULL');
  });
});
