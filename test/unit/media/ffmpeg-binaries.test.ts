import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mediaToolVersions, resetMediaToolsCache, resolveMediaTools } from '../../../src-main/core/media/ffmpeg-binaries.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectory('redub-tools-');
const variables = ['REDUB_FFMPEG', 'REDUB_FFPROBE', 'PATH'] as const;
let saved: Record<string, string | undefined> = {};

beforeEach(() => {
  saved = Object.fromEntries(variables.map((name) => [name, process.env[name]]));
  delete process.env.REDUB_FFMPEG;
  delete process.env.REDUB_FFPROBE;
  resetMediaToolsCache();
});

afterEach(() => {
  for (const name of variables) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  resetMediaToolsCache();
});

async function fakeExecutable(name: string): Promise<string> {
  const filePath = path.join(temporaryDirectory(), name);
  await writeFile(filePath, '#!/bin/sh\necho "fake version 1"\n');
  await chmod(filePath, 0o755);
  return filePath;
}

describe('resolveMediaTools', () => {
  it('finds the bundled ffmpeg and ffprobe when nothing is configured', () => {
    const tools = resolveMediaTools();
    // ffmpeg-static is not installed here; where it is, it wins for ffmpeg.
    expect(['ffmpeg-static', 'bundled', 'system']).toContain(tools.source);
    expect(path.basename(tools.ffmpeg)).toMatch(/^ffmpeg(\.exe)?$/);
    expect(path.basename(tools.ffprobe)).toMatch(/^ffprobe(\.exe)?$/);
  });

  it('is memoised until the cache is reset', async () => {
    const first = resolveMediaTools();
    process.env.REDUB_FFMPEG = await fakeExecutable('ffmpeg-custom');
    expect(resolveMediaTools()).toBe(first);
    resetMediaToolsCache();
    expect(resolveMediaTools().ffmpeg).toBe(process.env.REDUB_FFMPEG);
  });

  it('honours REDUB_FFMPEG alone, taking ffprobe from the next source', async () => {
    process.env.REDUB_FFMPEG = await fakeExecutable('my-ffmpeg');
    const tools = resolveMediaTools();
    expect(tools).toMatchObject({ ffmpeg: process.env.REDUB_FFMPEG, source: 'environment' });
    expect(tools.ffprobeSource).not.toBe('environment');
  });

  it('honours REDUB_FFPROBE alone', async () => {
    process.env.REDUB_FFPROBE = await fakeExecutable('my-ffprobe');
    const tools = resolveMediaTools();
    expect(tools).toMatchObject({ ffprobe: process.env.REDUB_FFPROBE, ffprobeSource: 'environment' });
    expect(tools.source).not.toBe('environment');
  });

  it('looks a bare command name in REDUB_FFMPEG up on PATH', async () => {
    const fake = await fakeExecutable('ffmpeg-on-path');
    process.env.PATH = `${path.dirname(fake)}${path.delimiter}${process.env.PATH ?? ''}`;
    process.env.REDUB_FFMPEG = 'ffmpeg-on-path';
    expect(resolveMediaTools().ffmpeg).toBe(fake);
  });

  it('reports E_FFMPEG_MISSING when REDUB_FFMPEG points at nothing, naming the variable', () => {
    process.env.REDUB_FFMPEG = path.join(temporaryDirectory(), 'no-such-ffmpeg');
    expect(() => resolveMediaTools()).toThrow(expect.objectContaining({ code: 'E_FFMPEG_MISSING', details: [expect.stringContaining('REDUB_FFMPEG')] }));
  });

  it.skipIf(process.platform === 'win32')('rejects a REDUB_FFMPEG file that is not executable', async () => {
    const filePath = path.join(temporaryDirectory(), 'plain-file');
    await writeFile(filePath, 'not a program');
    await chmod(filePath, 0o644);
    process.env.REDUB_FFMPEG = filePath;
    expect(() => resolveMediaTools()).toThrow(expect.objectContaining({ code: 'E_FFMPEG_MISSING' }));
  });
});

describe('mediaToolVersions', () => {
  it('reports the first line of each tool\'s -version', async () => {
    const versions = await mediaToolVersions();
    expect(versions.ffmpeg).toMatch(/^ffmpeg version /);
    expect(versions.ffprobe).toMatch(/^ffprobe version /);
  });

  it.skipIf(process.platform === 'win32')('runs whatever the environment names', async () => {
    process.env.REDUB_FFMPEG = await fakeExecutable('ffmpeg-fake');
    process.env.REDUB_FFPROBE = await fakeExecutable('ffprobe-fake');
    const versions = await mediaToolVersions();
    expect(versions).toMatchObject({ ffmpeg: 'fake version 1', ffprobe: 'fake version 1' });
    expect(versions.tools.source).toBe('environment');
  });
});
