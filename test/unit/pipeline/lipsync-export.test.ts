// The export stitches in only the lip-sync segments whose frames changed: a segment where no face
// was found holds the input's own frames, and re-encoding its pictures would only cost quality.
import { describe, expect, it } from 'vitest';
import { lipSyncedVideoOf } from '../../../src-main/core/pipeline/stages/export.js';
import type { MediaInfo } from '../../../src-main/core/media/probe.js';

const media = { video: { index: 0, codec: 'h264', width: 320, height: 240, fps: 25 } } as MediaInfo;
const rendered = (id: string, framesWithFace: number) => ({ id, fromFrame: 10, toFrame: 35, key: id, file: `/items/${id}.mkv`, framesWithFace, framesWithoutFace: 25 - framesWithFace });

describe('the export and lip-synced segments', () => {
  it('stitches the segments with a face and copies the video when none has one', () => {
    expect(lipSyncedVideoOf({ segments: [rendered('faceless', 0), rendered('speaker', 20)] }, media)).toEqual({
      video: { width: 320, height: 240, fps: 25 },
      segments: [{ id: 'speaker', fromFrame: 10, toFrame: 35, file: '/items/speaker.mkv' }],
    });
    expect(lipSyncedVideoOf({ segments: [rendered('faceless', 0)] }, media)).toBeNull();
    expect(lipSyncedVideoOf(null, media)).toBeNull();
  });
});
