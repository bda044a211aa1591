// The API's route table, the Host check, and the names an upload's files are saved under.
import { describe, expect, it } from 'vitest';
import { matchRoute, mediaUrlFor } from '../../../src-main/server/api-routes.js';
import { sanitizeFileName } from '../../../src-main/core/files/safe-file-name.js';
import { isLoopbackHost } from '../../../src-main/server/server.js';
import { rejectionOf } from '../../helpers/errors.js';

const id = '1b4e28ba-2fa1-11d2-883f-0016d3cca427';

describe('matchRoute', () => {
  it('finds each endpoint and captures the job id', () => {
    expect(matchRoute(['jobs'])?.route.pattern).toEqual(['jobs']);
    expect(matchRoute(['jobs', id])?.params).toEqual({ id });
    for (const tail of ['logs', 'download', 'preview', 'retry', 'cancel']) expect(matchRoute(['jobs', id, tail])?.route.pattern).toEqual(['jobs', ':id', tail]);
    expect(matchRoute(['jobs', id, 'media', 'dub'])?.route.queryToken).toBe(true);
    expect(matchRoute(['events'])?.route.queryToken).toBe(true);
    expect(matchRoute(['health'])?.route.open).toBe(true);
  });

  it('lets only media and the event stream take ?token=, and only the health check go without one', () => {
    const queryToken = ['events', 'jobs/:id/download', 'jobs/:id/media/original', 'jobs/:id/media/dub'];
    for (const segments of [['jobs'], ['jobs', id], ['jobs', id, 'logs'], ['queue'], ['settings'], ['metrics']]) {
      const match = matchRoute(segments)!;
      expect(match.route.queryToken ?? false, segments.join('/')).toBe(queryToken.includes(match.route.pattern.join('/')));
      expect(match.route.open ?? false).toBe(false);
    }
  });

  it('finds nothing for unknown paths or other tracks', () => {
    expect(matchRoute(['nope'])).toBeNull();
    expect(matchRoute(['jobs', id, 'media', 'secret'])).toBeNull();
    expect(matchRoute(['jobs', '..', '..', 'etc', 'passwd'])).toBeNull();
  });

  it('decodes a captured segment once, and refuses one that does not decode', async () => {
    expect(matchRoute(['jobs', '..%2F..%2Fetc%2Fpasswd'])?.params.id).toBe('../../etc/passwd');
    const error = await rejectionOf(Promise.resolve().then(() => matchRoute(['jobs', '%E0%A4%A'])));
    expect(error.code).toBe('E_BAD_REQUEST');
  });

  it('builds the media URL the preview route hands out', () => {
    expect(mediaUrlFor(id, 'dub')).toBe(`/api/v1/jobs/${id}/media/dub`);
  });
});

describe('isLoopbackHost', () => {
  it('accepts 127.0.0.1, localhost and [::1] with or without a port', () => {
    for (const host of ['127.0.0.1', '127.0.0.1:8383', 'localhost:1', 'LOCALHOST', '[::1]:8383']) expect(isLoopbackHost(host), host).toBe(true);
  });

  it('refuses any other name, as a DNS-rebinding page would send', () => {
    for (const host of [undefined, '', 'evil.example', '127.0.0.1.evil.example', 'localhost.evil', '10.0.0.2:8383', '127.0.0.1:8383@evil']) expect(isLoopbackHost(host), String(host)).toBe(false);
  });
});

describe('sanitizeFileName', () => {
  it('keeps an ordinary name and its extension', () => {
    expect(sanitizeFileName('talk.mp4', 'video.mp4')).toBe('talk.mp4');
    expect(sanitizeFileName('Mi vídeo 2.mov', 'video.mp4')).toBe('Mi vídeo 2.mov');
  });

  it('drops folders, leading dots and characters that mean something to a shell or file system', () => {
    expect(sanitizeFileName('../../etc/passwd', 'x')).toBe('passwd');
    expect(sanitizeFileName('..\\..\\boot.ini', 'x')).toBe('boot.ini');
    expect(sanitizeFileName('.bashrc', 'x')).toBe('bashrc');
    expect(sanitizeFileName('a<b>c:d|e?f*g"h\0.mp4', 'x')).toBe('a_b_c_d_e_f_g_h_.mp4');
    expect(sanitizeFileName('$(rm -rf).mp4', 'x')).toBe('__rm -rf_.mp4');
  });

  it('falls back when nothing usable is left, and defuses names Windows reserves', () => {
    expect(sanitizeFileName(undefined, 'video.mp4')).toBe('video.mp4');
    expect(sanitizeFileName('..', 'video.mp4')).toBe('video.mp4');
    expect(sanitizeFileName('/', 'video.mp4')).toBe('video.mp4');
    expect(sanitizeFileName('CON.mp4', 'x')).toBe('_CON.mp4');
  });

  it('keeps long names to 120 characters, extension included', () => {
    const name = sanitizeFileName(`${'a'.repeat(300)}.mp4`, 'x');
    expect(name).toHaveLength(120);
    expect(name.endsWith('.mp4')).toBe(true);
  });
});
