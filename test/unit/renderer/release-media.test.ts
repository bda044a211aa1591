import { describe, expect, it } from 'vitest';
import { releaseMedia } from '../../../src-renderer/common/media/release-media.js';

describe('releaseMedia', () => {
  it('pauses the element, drops its source and reloads it empty, which ends its download', () => {
    const calls: string[] = [];
    const element = {
      pause: () => calls.push('pause'),
      removeAttribute: (name: string) => calls.push(`remove ${name}`),
      load: () => calls.push('load'),
    } as unknown as HTMLMediaElement;
    releaseMedia(element);
    expect(calls).toEqual(['pause', 'remove src', 'load']);
    expect(() => releaseMedia(null)).not.toThrow();
  });
});
