import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { RedubError } from '../../../src-main/shared/errors.js';
import { diskMediaFiles, handleMediaRequest, parseMediaUrl, type MediaFiles, type MediaSource } from '../../../src-main/electron/media-request.js';
import type { FileLocation, ServedFile } from '../../../src-main/core/files/served-file.js';
import { mediaUrlFor } from '../../../src-main/electron/app-origin.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

const jobId = '3b241101-e2bb-4255-8caf-4136c566a962';
const otherJobId = '0f8fad5b-d9cb-469f-a165-70867728950e';
const content = Buffer.from(Array.from({ length: 1000 }, (_, index) => index % 251));

describe('media requests (redub-media://)', () => {
  const temporaryDirectory = useTemporaryDirectory('redub-media-');
  let videoPath: string;
  let source: MediaSource & { mediaLocation: ReturnType<typeof vi.fn>; openAudio: ReturnType<typeof vi.fn> };
  /** Where the job's one added audio file ("voice") is, as the service records it. */
  let audioLocation: FileLocation;
  /** `open` is the disk's, spied on; `ranges` records each range a body was streamed from. */
  let files: MediaFiles & { open: ReturnType<typeof vi.fn> };
  let ranges: [string, number, number][];

  beforeEach(() => {
    videoPath = path.join(temporaryDirectory(), 'talk.mp4');
    writeFileSync(videoPath, content);
    source = {
      mediaLocation: vi.fn((id: string, track: string): FileLocation => {
        if (id !== jobId) throw new RedubError('E_JOB_NOT_FOUND');
        if (track === 'dub') throw new RedubError('E_NOT_READY', { details: ['The dub is still being made.'] });
        return { file: videoPath, folder: path.dirname(videoPath) };
      }),
      // As the service opens it: its recorded location, through the same guarded open.
      openAudio: vi.fn(async (id: string, refId: string) => {
        if (id !== jobId) throw new RedubError('E_JOB_NOT_FOUND');
        if (refId !== 'voice') throw new RedubError('E_BAD_REQUEST', { details: [`Job ${id} has no audio "${refId}"; its audio is "voice".`] });
        return files.open(audioLocation);
      }),
    };
    const audioFolder = path.join(temporaryDirectory(), 'audio');
    mkdirSync(audioFolder, { recursive: true });
    audioLocation = { file: path.join(audioFolder, 'voice.wav'), folder: audioFolder };
    writeFileSync(audioLocation.file, content);
    ranges = [];
    files = {
      open: vi.fn(async (location: FileLocation): Promise<ServedFile> => {
        const opened = await diskMediaFiles.open(location);
        return { ...opened, stream: (start, end) => (ranges.push([opened.path, start, end]), opened.stream(start, end)) };
      }),
    };
  });

  const get = (url: string, headers: Record<string, string> = {}, method = 'GET') => handleMediaRequest(new Request(url, { method, headers }), source, files);

  /** Whatever was asked, the disk was only ever touched at the job's own file. */
  function expectOnlyTheJobFileTouched(): void {
    for (const [location] of files.open.mock.calls as [FileLocation][]) expect(location.file).toBe(videoPath);
    for (const [filePath] of ranges) expect(filePath).toBe(videoPath);
  }

  it('builds URLs that carry a job id and a track, never a path', () => {
    expect(mediaUrlFor(jobId, 'dub')).toBe(`redub-media://job/${jobId}/dub`);
    expect(parseMediaUrl(`${mediaUrlFor(jobId, 'original')}?v=3`)).toEqual({ jobId, track: 'original' });
  });

  it('answers a plain GET with the whole file (200), announcing range support', async () => {
    const response = await get(mediaUrlFor(jobId, 'original'));
    expect(response.status).toBe(200);
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('content-length')).toBe('1000');
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(content);
    expect(ranges).toEqual([[videoPath, 0, 999]]);
  });

  it('answers a range with 206 and exactly those bytes, streamed from that offset', async () => {
    const response = await get(mediaUrlFor(jobId, 'original'), { Range: 'bytes=100-199' });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe('bytes 100-199/1000');
    expect(response.headers.get('content-length')).toBe('100');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(content.subarray(100, 200));
    expect(ranges).toEqual([[videoPath, 100, 199]]);
  });

  it('answers an open-ended range to the end of the file', async () => {
    const response = await get(mediaUrlFor(jobId, 'original'), { Range: 'bytes=900-' });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe('bytes 900-999/1000');
    expect((await response.arrayBuffer()).byteLength).toBe(100);
  });

  it('answers a range past the end with 416 and the size, opening nothing', async () => {
    const response = await get(mediaUrlFor(jobId, 'original'), { Range: 'bytes=5000-6000' });
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe('bytes */1000');
    expect(ranges).toEqual([]);
  });

  it('answers HEAD with the headers only', async () => {
    const response = await get(mediaUrlFor(jobId, 'original'), {}, 'HEAD');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('1000');
    expect(ranges).toEqual([]);
  });

  it('refuses other methods with 405', async () => {
    expect((await get(mediaUrlFor(jobId, 'original'), {}, 'POST')).status).toBe(405);
    expect(source.mediaLocation).not.toHaveBeenCalled();
  });

  it('answers an unknown job with 404 and E_JOB_NOT_FOUND', async () => {
    const response = await get(mediaUrlFor(otherJobId, 'original'));
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('E_JOB_NOT_FOUND');
    expect(files.open).not.toHaveBeenCalled();
  });

  it('answers a track that is not made yet with 404 and E_NOT_READY', async () => {
    const response = await get(mediaUrlFor(jobId, 'dub'));
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('E_NOT_READY');
  });

  it('answers 404 when the job names a file that is no longer on disk', async () => {
    source.mediaLocation.mockReturnValue({ file: path.join(temporaryDirectory(), 'gone.mp4'), folder: temporaryDirectory() });
    const response = await get(mediaUrlFor(jobId, 'original'));
    expect(response.status).toBe(404);
    expect(ranges).toEqual([]);
  });

  const malformed: [string, string, number][] = [
    ['a job id that is not a UUID', 'redub-media://job/42/original', 400],
    ['an unknown track', `redub-media://job/${jobId}/subtitles`, 404],
    ['a track that tries to climb out', `redub-media://job/${jobId}/..%2F..%2F..%2Fetc%2Fpasswd`, 404],
    ['an id that is a path', 'redub-media://job/..%2F..%2Fetc%2Fpasswd/original', 400],
    ['dot segments (normalised away)', 'redub-media://job/../../etc/passwd', 400],
    ['an absolute path instead of a job', 'redub-media://job//etc/passwd', 404],
    ['extra segments', `redub-media://job/${jobId}/original/extra`, 404],
    ['another host', `redub-media://file/${jobId}/original`, 404],
    ['no path at all', 'redub-media://job', 404],
    ['bad percent-encoding', 'redub-media://job/%E0%A4%A/original', 400],
    ['another scheme', `file:///${jobId}/original`, 400],
    ['an audio URL without a refId', `redub-media://job/${jobId}/audio`, 404],
    ['an audio refId that is a path', `redub-media://job/${jobId}/audio/..%2F..%2Fetc%2Fpasswd`, 400],
    ['the dub as an audio refId', `redub-media://job/${jobId}/audio/dub`, 400],
    ['an audio refId with bad percent-encoding', `redub-media://job/${jobId}/audio/%E0%A4%A`, 400],
    ['an audio URL with extra segments', `redub-media://job/${jobId}/audio/voice/extra`, 404],
  ];
  it.each(malformed)('answers %s with an error status and never opens a path from the URL', async (_name, url, status) => {
    const response = await get(url);
    expect(response.status).toBe(status);
    expect(source.mediaLocation).not.toHaveBeenCalled();
    expect(source.openAudio).not.toHaveBeenCalled();
    expect(files.open).not.toHaveBeenCalled();
    expect(ranges).toEqual([]);
  });

  it('opens only the file the service names, whatever the URL asks', async () => {
    for (const url of [mediaUrlFor(jobId, 'original'), `${mediaUrlFor(jobId, 'original')}?path=/etc/passwd`, `${mediaUrlFor(jobId, 'original')}#/etc/passwd`]) {
      expect((await get(url, { Range: 'bytes=0-9' })).status).toBe(206);
    }
    expectOnlyTheJobFileTouched();
    expect(ranges).toHaveLength(3);
  });

  it('refuses (403) a track that became a symbolic link, or that a link leads outside its folder', async () => {
    const outside = path.join(temporaryDirectory(), 'outside');
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'secret.txt'), 'not the job\'s');
    rmSync(videoPath);
    symlinkSync(path.join(outside, 'secret.txt'), videoPath);
    const linked = await get(mediaUrlFor(jobId, 'original'));
    expect(linked.status).toBe(403);
    expect(((await linked.json()) as { error: { code: string } }).error.code).toBe('E_FORBIDDEN_PATH');
    // A link higher up: the job's folder as recorded now leads elsewhere.
    const jobFolder = path.join(temporaryDirectory(), 'job-folder');
    symlinkSync(outside, jobFolder);
    source.mediaLocation.mockReturnValue({ file: path.join(jobFolder, 'secret.txt'), folder: path.join(temporaryDirectory(), 'real-job-folder') });
    expect((await get(mediaUrlFor(jobId, 'original'))).status).toBe(403);
    expect(ranges).toEqual([]);
  });

  it('lets the app origin read the answers (CORS) and keeps them out of the cache', async () => {
    const response = await get(mediaUrlFor(jobId, 'original'));
    expect(response.headers.get('access-control-allow-origin')).toBe('app://redub');
    expect(response.headers.get('cache-control')).toBe('no-store');
    await response.body?.cancel();
  });

  describe('an added audio file (job/<id>/audio/<refId>)', () => {
    it('builds URLs that carry a job id and a refId, never a path', () => {
      expect(mediaUrlFor(jobId, { audio: 'voice' })).toBe(`redub-media://job/${jobId}/audio/voice`);
      expect(parseMediaUrl(`${mediaUrlFor(jobId, { audio: 'voice' })}?path=/etc/passwd`)).toEqual({ jobId, audio: 'voice' });
    });

    it('answers with the file the service records, its audio type, and ranges', async () => {
      const whole = await get(mediaUrlFor(jobId, { audio: 'voice' }));
      expect(whole.status).toBe(200);
      expect(whole.headers.get('content-type')).toBe('audio/wav');
      expect(whole.headers.get('access-control-allow-origin')).toBe('app://redub');
      expect(Buffer.from(await whole.arrayBuffer())).toEqual(content);
      const part = await get(mediaUrlFor(jobId, { audio: 'voice' }), { Range: 'bytes=10-19' });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe('bytes 10-19/1000');
      expect(Buffer.from(await part.arrayBuffer())).toEqual(content.subarray(10, 20));
      expect(source.openAudio.mock.calls).toEqual([[jobId, 'voice'], [jobId, 'voice']]);
      expect(ranges).toEqual([[audioLocation.file, 0, 999], [audioLocation.file, 10, 19]]);
      expect(source.mediaLocation).not.toHaveBeenCalled();
    });

    it('sends a file named like a page as opaque bytes, never as a type the page would run', async () => {
      const named = path.join(path.dirname(audioLocation.file), 'voice.html');
      writeFileSync(named, content);
      audioLocation = { ...audioLocation, file: named };
      const response = await get(mediaUrlFor(jobId, { audio: 'voice' }));
      expect(response.headers.get('content-type')).toBe('application/octet-stream');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      await response.body?.cancel();
    });

    it('answers an unknown refId with 400 naming the job\'s audio, and an unknown job with 404', async () => {
      const unknown = await get(mediaUrlFor(jobId, { audio: 'music' }));
      expect(unknown.status).toBe(400);
      expect(((await unknown.json()) as { error: { code: string; details: string[] } }).error).toMatchObject({ code: 'E_BAD_REQUEST', details: [`Job ${jobId} has no audio "music"; its audio is "voice".`] });
      expect((await get(mediaUrlFor(otherJobId, { audio: 'voice' }))).status).toBe(404);
      expect(files.open).not.toHaveBeenCalled();
    });

    it('answers 404 for a file gone from disk, and 403 for one a link replaced', async () => {
      rmSync(audioLocation.file);
      expect((await get(mediaUrlFor(jobId, { audio: 'voice' }))).status).toBe(404);
      const outside = path.join(temporaryDirectory(), 'outside-audio');
      mkdirSync(outside);
      writeFileSync(path.join(outside, 'secret.wav'), 'not the job\'s');
      symlinkSync(path.join(outside, 'secret.wav'), audioLocation.file);
      const linked = await get(mediaUrlFor(jobId, { audio: 'voice' }));
      expect(linked.status).toBe(403);
      expect(((await linked.json()) as { error: { code: string } }).error.code).toBe('E_FORBIDDEN_PATH');
      expect(ranges).toEqual([]);
    });
  });
});
