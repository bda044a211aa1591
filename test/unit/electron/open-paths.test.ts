import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { OpenPathsForwarder, pathsFromArgv } from '../../../src-main/electron/open-paths.js';

const existing = new Set([path.resolve('/home/ana/talk.mp4'), path.resolve('/home/ana/videos/clip.mkv'), path.resolve('/opt/redub/resources/app.asar')]);
const isFile = (candidate: string) => existing.has(candidate);

describe('paths from a command line', () => {
  it('keeps existing files, resolved against the working directory, without switches or the executable', () => {
    const argv = ['/opt/redub/redub', '--allow-file-access-from-files', 'talk.mp4', 'videos/clip.mkv', '-psn_0_12345', 'missing.mp4', 'talk.mp4'];
    expect(pathsFromArgv(argv, '/home/ana', { isFile })).toEqual([path.resolve('/home/ana/talk.mp4'), path.resolve('/home/ana/videos/clip.mkv')]);
  });

  it("drops the app's own files (`electron .`, the asar)", () => {
    expect(pathsFromArgv(['electron', '/opt/redub/resources/app.asar', '/home/ana/talk.mp4'], '/', { isFile, appPath: '/opt/redub/resources/app.asar' })).toEqual([path.resolve('/home/ana/talk.mp4')]);
  });
});

describe('forwarding opened paths', () => {
  it('holds paths until a renderer is attached, then sends them once', () => {
    const forwarder = new OpenPathsForwarder();
    forwarder.deliver(['/a.mp4']);
    forwarder.deliver(['/b.mp4', '/a.mp4']);
    const send = vi.fn();
    forwarder.attach({ send });
    expect(send).toHaveBeenCalledWith(['/a.mp4', '/b.mp4']);
    forwarder.deliver(['/c.mp4']);
    expect(send).toHaveBeenLastCalledWith(['/c.mp4']);
    forwarder.detach();
    forwarder.deliver(['/d.mp4']);
    expect(send).toHaveBeenCalledTimes(2);
    forwarder.deliver([]);
    const next = vi.fn();
    forwarder.attach({ send: next });
    expect(next).toHaveBeenCalledWith(['/d.mp4']);
  });
});
