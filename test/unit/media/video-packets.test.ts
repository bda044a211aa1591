import { describe, expect, it } from 'vitest';
import { groupRunsCovering, layoutVideo } from '../../../src-main/core/media/gop-layout.js';
import { freeParameterSetId, parseAvcConfiguration, pictureParameterSetId, sequenceParameterSetId } from '../../../src-main/core/media/h264-parameter-sets.js';
import { listVideoPackets, parseHexDump, parsePacketLine, parseRational, probeVideoStream, type VideoPacket } from '../../../src-main/core/media/video-packets.js';
import { makeGopVideo } from '../../fixtures/gop-video.js';
import { videoPacketHashes } from '../../helpers/media-compare.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectory('redub-video-packets-');
const timeBase = { numerator: 1, denominator: 12_800 };
const rate25 = { numerator: 25, denominator: 1 };

/** Packets of a closed-GOP stream with B-frames two deep, as x264 lays them out (512 ticks a frame). */
function closedGroups(groupCount: number, groupLength: number): VideoPacket[] {
  const packets: VideoPacket[] = [];
  let decodeIndex = 0;
  for (let group = 0; group < groupCount; group++) {
    const first = group * groupLength;
    // Decode order I P B B P B B … : a keyframe, then each P before the two Bs it is shown after.
    const order = [first];
    for (let frame = first + 3; frame < first + groupLength; frame += 3) order.push(frame, frame - 2, frame - 1);
    for (let frame = order.length; frame < groupLength; frame++) order.push(first + frame);
    for (const frame of order) {
      packets.push({ pts: frame * 512, dts: (decodeIndex - 2) * 512, duration: 512, keyframe: frame === first, size: 100 });
      decodeIndex++;
    }
  }
  return packets;
}

describe('parsing ffprobe output', () => {
  it('reads a packet line whatever the order of its fields, N/A as null', () => {
    expect(parsePacketLine('pts=0,dts=-1024,duration=512,size=1433,flags=K__')).toEqual({ pts: 0, dts: -1024, duration: 512, keyframe: true, size: 1433 });
    expect(parsePacketLine('size=20,flags=__,pts=N/A,dts=7,duration=N/A')).toEqual({ pts: null, dts: 7, duration: null, keyframe: false, size: 20 });
    expect(parsePacketLine('')).toBeNull();
  });

  it('reads rationals and hex dumps', () => {
    expect(parseRational('30000/1001')).toEqual({ numerator: 30000, denominator: 1001 });
    expect(parseRational('0/0')).toBeNull();
    const dump = '00000000: 0164 001e ffe1 0019 6764 001e acd9 4050  .d......gd....@P\n00000010: 0102                                     ..\n';
    expect(Array.from(parseHexDump(dump, 18)!)).toEqual([0x01, 0x64, 0x00, 0x1e, 0xff, 0xe1, 0x00, 0x19, 0x67, 0x64, 0x00, 0x1e, 0xac, 0xd9, 0x40, 0x50, 0x01, 0x02]);
    expect(parseHexDump(dump, 17)).toBeNull();
  });
});

describe('a real H.264 stream', () => {
  it('lists every packet with its keyframe flag, matching what ffmpeg copies', async () => {
    const video = await makeGopVideo(temporaryDirectory(), { seconds: 4, size: '320x180' });
    const packets = await listVideoPackets(video);
    expect(packets).toHaveLength(100);
    expect(packets.flatMap((packet, index) => (packet.keyframe ? [index] : []))).toEqual([0, 25, 50, 75]);
    expect(packets.map((packet) => packet.size)).toEqual((await videoPacketHashes(video)).map((packet) => packet.size));

    const result = layoutVideo(packets, (await probeVideoStream(video)).timeBase, rate25);
    expect(result.reason).toBeUndefined();
    expect(result.layout!.groups.map((group) => [group.firstFrame, group.endFrame])).toEqual([[0, 25], [25, 50], [50, 75], [75, 100]]);
    expect(result.layout!.reorderFrames).toBe(2);
  });

  it('reads the codec parameters and the avcC header', async () => {
    const video = await makeGopVideo(temporaryDirectory(), { seconds: 1, size: '320x180' });
    const stream = await probeVideoStream(video);
    expect(stream).toMatchObject({ codec: 'h264', profile: 'High', pixelFormat: 'yuv420p', width: 320, height: 180, frameRate: rate25, reorderDepth: 2 });
    expect(stream.level).toBeGreaterThan(0);
    const header = parseAvcConfiguration(stream.extradata!);
    expect(header).toMatchObject({ profile: 100, nalLengthSize: 4 });
    expect(header!.sequenceParameterSets.map(sequenceParameterSetId)).toEqual([0]);
    expect(header!.pictureParameterSets.map(pictureParameterSetId)).toEqual([0]);
    expect(freeParameterSetId(header!)).toBe(1);
  });
});

describe('layoutVideo', () => {
  it('groups frames from keyframe to keyframe', () => {
    const { layout } = layoutVideo(closedGroups(3, 10), timeBase, rate25);
    expect(layout).toMatchObject({ frameCount: 30, frameTicks: 512, firstPts: 0, endPts: 30 * 512, reorderFrames: 2 });
    expect(layout!.groups.map((group) => group.firstFrame)).toEqual([0, 10, 20]);
  });

  it('refuses open groups: a frame shown before a keyframe but decoded after it', () => {
    const packets = closedGroups(2, 10);
    // Swap a B-frame of group 1 to before its keyframe's presentation time.
    const keyIndex = packets.findIndex((packet, index) => index > 0 && packet.keyframe);
    const late = packets[keyIndex + 2]!;
    const early = packets.find((packet) => packet.pts === 9 * 512)!;
    [late.pts, early.pts] = [early.pts, late.pts];
    expect(layoutVideo(packets, timeBase, rate25).reason).toMatch(/open/);
  });

  it('refuses a varying frame rate, missing timestamps and streams without keyframes', () => {
    const gap = closedGroups(2, 10).map((packet) => ({ ...packet, pts: packet.pts! >= 15 * 512 ? packet.pts! + 512 : packet.pts }));
    expect(layoutVideo(gap, timeBase, rate25).reason).toMatch(/frame rate varies/);
    expect(layoutVideo(closedGroups(1, 5).map((packet, index) => (index === 3 ? { ...packet, pts: null } : packet)), timeBase, rate25).reason).toMatch(/timestamps/);
    expect(layoutVideo(closedGroups(1, 5).map((packet) => ({ ...packet, keyframe: false })), timeBase, rate25).reason).toMatch(/no keyframes/);
  });

  it('merges touched groups that are next to each other into one run', () => {
    const { layout } = layoutVideo(closedGroups(8, 10), timeBase, rate25);
    // [15, 16) and [20, 25) touch groups 1 and 2; [59, 61) groups 5 and 6; [79, 80) group 7.
    expect(groupRunsCovering(layout!.groups, [[15, 16], [20, 25], [59, 61], [79, 80]])).toEqual([
      { firstGroup: 1, endGroup: 3 },
      { firstGroup: 5, endGroup: 8 },
    ]);
  });
});
