// Every way `redub dub` rejects input before anything is queued: exit 3 (2 for usage) with the
// error's code and sentence, and no job in the store.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src-main/core/store/database.js';
import { Store } from '../../src-main/core/store/store.js';
import { makeEmptyFile, makeTextFile, makeTruncatedVideo, makeVideo } from '../helpers/media-fixtures.js';
import { bundledSample, parseJson, runRedub, sampleDubArguments, type DubJson } from '../helpers/cli.js';
import { useTemporaryDirectory } from '../helpers/temporary-directory.js';

describe('redub dub rejects bad input before queuing', () => {
  const temporary = useTemporaryDirectory();

  async function expectRejection(video: string, code: string, exitCode = 3, extra: string[] = []) {
    const dataDir = path.join(temporary(), 'data');
    const result = await runRedub([...sampleDubArguments(dataDir, path.join(temporary(), 'out'), { ...bundledSample, video }), ...extra]);
    const json = parseJson<DubJson>(result);
    expect(result.code, result.stdout).toBe(exitCode);
    expect(json.error?.code).toBe(code);
    expect(json.error?.message.length).toBeGreaterThan(10);
    expect(json.error?.action.length).toBeGreaterThan(10);
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    const store = new Store(openDatabase(path.join(dataDir, 'redub.db')));
    expect(store.jobs.count({})).toBe(0);
    return json.error!;
  }

  it('a missing path → E_INPUT_MISSING', async () => {
    await expectRejection(path.join(temporary(), 'nope.mp4'), 'E_INPUT_MISSING');
  });

  it('a folder → E_INPUT_IS_DIRECTORY', async () => {
    const folder = path.join(temporary(), 'folder.mp4');
    mkdirSync(folder);
    await expectRejection(folder, 'E_INPUT_IS_DIRECTORY');
  });

  it('an empty file → E_INPUT_EMPTY', async () => {
    await expectRejection(await makeEmptyFile(temporary()), 'E_INPUT_EMPTY');
  });

  it('a text file → E_NOT_MEDIA', async () => {
    await expectRejection(await makeTextFile(temporary()), 'E_NOT_MEDIA');
  });

  it('a truncated video → E_INPUT_TRUNCATED', async () => {
    await expectRejection(await makeTruncatedVideo(temporary()), 'E_INPUT_TRUNCATED');
  });

  it('audio only → E_NO_VIDEO_STREAM', async () => {
    await expectRejection(await makeVideo(temporary(), { video: false, format: 'm4a' }), 'E_NO_VIDEO_STREAM');
  });

  it('a silent video → E_NO_AUDIO_STREAM', async () => {
    await expectRejection(await makeVideo(temporary(), { audio: false }), 'E_NO_AUDIO_STREAM');
  });

  it('a video over the size limit → E_INPUT_TOO_LARGE', async () => {
    await expectRejection(bundledSample.video, 'E_INPUT_TOO_LARGE', 3, ['--max-size-mb', '0.01']);
  });

  it('a language without a voice → E_LANGUAGE_UNSUPPORTED', async () => {
    const dataDir = path.join(temporary(), 'data');
    const args = sampleDubArguments(dataDir, temporary()).map((arg) => (arg === 'es' ? 'xx' : arg.replace(/^es=/, 'xx=')));
    const result = await runRedub(args);
    expect(result.code).toBe(3);
    expect(parseJson<DubJson>(result).error?.code).toBe('E_LANGUAGE_UNSUPPORTED');
  });

  it('a missing subtitle file → E_SUBTITLES_MISSING', async () => {
    const dataDir = path.join(temporary(), 'data');
    const result = await runRedub(sampleDubArguments(dataDir, temporary(), { ...bundledSample, targetSubtitles: path.join(temporary(), 'gone.srt') }));
    expect(result.code).toBe(3);
    expect(parseJson<DubJson>(result).error?.code).toBe('E_SUBTITLES_MISSING');
  });

  it('no subtitles and no Whisper pack → E_MODEL_MISSING naming the pack and its install command, before any job exists', async () => {
    const dataDir = path.join(temporary(), 'data');
    const result = await runRedub(['dub', bundledSample.video, '--to', 'es', '--data-dir', dataDir, '--json']);
    expect(result.code).toBe(3);
    const error = parseJson<DubJson>(result).error;
    expect(error?.code).toBe('E_MODEL_MISSING');
    expect(error?.action).toContain('redub models install whisper-base');
    const jobs = await runRedub(['jobs', 'list', '--data-dir', dataDir, '--json']);
    expect(parseJson<{ jobs: unknown[] }>(jobs).jobs).toEqual([]);
  });

  it('invalid lip-sync segments → E_LIPSYNC_INVALID naming the segment and the rule', async () => {
    const segments = path.join(temporary(), 'segments.json');
    writeFileSync(
      segments,
      JSON.stringify({
        segments: [
          { id: 'intro', startMs: 1000, endMs: 3000, audio: { refId: 'dub', cropStartMs: 1000, cropEndMs: 3000 } },
          { id: 'overlapping', startMs: 2500, endMs: 4000, audio: { refId: 'dub', cropStartMs: 2500, cropEndMs: 4000 } },
          { id: 'backwards', startMs: 6000, endMs: 5000, audio: { refId: 'dub' } },
        ],
      }),
    );
    const error = await expectRejection(bundledSample.video, 'E_LIPSYNC_INVALID', 3, ['--lipsync', segments]);
    const details = (error as { details?: string[] }).details ?? [];
    expect(details.some((line) => line.includes('"overlapping"') && line.includes('no-overlap'))).toBe(true);
    expect(details.some((line) => line.includes('"backwards"') && line.includes('start-before-end'))).toBe(true);
  });

  it('unknown options are usage errors → exit 2', async () => {
    const result = await runRedub(['dub', bundledSample.video, '--to', 'es', '--frobnicate', '--json', '--data-dir', path.join(temporary(), 'data')]);
    expect(result.code).toBe(2);
    expect(parseJson<DubJson>(result).error?.code).toBe('E_USAGE');
  });
});
