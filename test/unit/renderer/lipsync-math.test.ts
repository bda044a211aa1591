// The lip-sync lane's rules: drawing from a drag, snapping to frames and neighbours, how far edges
// and whole segments may be dragged, the keyboard's frame steps, the live check mapping each
// violation to its segment, the limit, the "make lengths match" helpers, and what is read aloud.
import { describe, expect, it } from 'vitest';
import { validateLipSyncSegments, type AudioRefSummary, type LipSyncSegment } from '../../../src-main/shared/lipsync.js';
import {
  canAddSegment,
  cropToSegmentLength,
  dragCrop,
  dragEdge,
  drawnSpan,
  edgeAt,
  endToAudioLength,
  gapAround,
  laneKeyAction,
  liveViolations,
  moveSegment,
  newSegment,
  nextSegmentId,
  nudge,
  parseTime,
  segmentAtPlayhead,
  segmentName,
  snapToFrame,
  violationsBySegment,
  violationText,
  withAudio,
  withPreview,
  type KeyPress,
  type SnapOptions,
} from '../../../src-renderer/features/timeline/lipsync-math.js';

const media = { durationMs: 10_000, fps: 25 };
const snap: SnapOptions = { ...media, thresholdMs: 80 };
const files: AudioRefSummary[] = [{ id: 'voice', durationMs: 3000, name: 'voice.wav' }];

const dubSegment = (id: string, startMs: number, endMs: number): LipSyncSegment => ({ id, startMs, endMs, audio: { refId: 'dub', cropStartMs: startMs, cropEndMs: endMs } });
const fileSegment = (id: string, startMs: number, endMs: number, cropStartMs = 0, cropEndMs = 3000, fit?: boolean): LipSyncSegment => ({ id, startMs, endMs, audio: { refId: 'voice', cropStartMs, cropEndMs }, ...(fit === undefined ? {} : { fit }) });
const press = (key: string, modifiers: Partial<KeyPress> = {}): KeyPress => ({ key, altKey: false, ctrlKey: false, metaKey: false, shiftKey: false, ...modifiers });

describe('drawing a segment from a drag', () => {
  it('snaps both ends to frames, whichever way the drag went', () => {
    expect(drawnSpan(1010, 2490, [], snap)).toEqual({ startMs: 1000, endMs: 2480 });
    expect(drawnSpan(2490, 1010, [], snap)).toEqual({ startMs: 1000, endMs: 2480 });
    // 29.97 fps: frames are 33.367 ms apart, and the ends land on them.
    const ntsc = drawnSpan(1000, 2000, [], { durationMs: 10_000, fps: 30_000 / 1001, thresholdMs: 0 })!;
    expect(ntsc.startMs).toBe(snapToFrame(1000, 30_000 / 1001));
    expect(Math.abs((ntsc.endMs / 1000) * (30_000 / 1001) - Math.round((ntsc.endMs / 1000) * (30_000 / 1001)))).toBeLessThan(0.03);
  });

  it('stops at the neighbours and at the video’s ends, and joins a neighbour’s edge when near it', () => {
    const others = [dubSegment('a', 3000, 4000), dubSegment('b', 6000, 7000)];
    expect(drawnSpan(2000, 3500, others, snap)).toEqual({ startMs: 2000, endMs: 3000 });
    expect(drawnSpan(5000, 9000, others, snap)).toEqual({ startMs: 5000, endMs: 6000 });
    expect(drawnSpan(4480, 2000, others, snap)).toEqual({ startMs: 4000, endMs: 4480 });
    expect(drawnSpan(9000, 12_000, [], snap)).toEqual({ startMs: 9000, endMs: 10_000 });
    expect(drawnSpan(480, -300, [], snap)).toEqual({ startMs: 0, endMs: 480 });
    // 2950 is within the threshold of 'a' (3000): the end joins it rather than stopping a frame short.
    expect(drawnSpan(1000, 2950, others, snap)).toEqual({ startMs: 1000, endMs: 3000 });
    expect(drawnSpan(4050, 5000, others, snap)).toEqual({ startMs: 4000, endMs: 5000 });
  });

  it('draws nothing from inside another segment, or from a click shorter than a frame', () => {
    const others = [dubSegment('a', 3000, 4000)];
    expect(drawnSpan(3500, 5000, others, snap)).toBeNull();
    expect(drawnSpan(1000, 1010, [], snap)).toBeNull();
    expect(gapAround(others, 3500, media)).toBeNull();
    expect(gapAround(others, 5000, media)).toEqual({ fromMs: 4000, toMs: 10_000 });
  });

  it('gives a new segment a free id and the dub at its own times, so its length matches', () => {
    const segments = [dubSegment('lip-1', 0, 1000), dubSegment('lip-3', 2000, 3000)];
    expect(nextSegmentId(segments)).toBe('lip-4');
    expect(nextSegmentId([dubSegment('lip-2', 0, 1000)])).toBe('lip-3');
    const drawn = newSegment(segments, 4000, 5000);
    expect(drawn).toEqual({ id: 'lip-4', startMs: 4000, endMs: 5000, audio: { refId: 'dub', cropStartMs: 4000, cropEndMs: 5000 } });
    expect(liveViolations([...segments, drawn], media, files, 5)).toEqual([]);
  });

  it('adds a second-long segment at the playhead, shorter where the next one is nearer, none inside one', () => {
    const others = [dubSegment('a', 3000, 4000)];
    expect(segmentAtPlayhead(others, 1010, media)).toMatchObject({ startMs: 1000, endMs: 2000 });
    expect(segmentAtPlayhead(others, 2500, media)).toMatchObject({ startMs: 2520, endMs: 3000 });
    expect(segmentAtPlayhead(others, 3500, media)).toBeNull();
    // Right against the end of the video: the second before it.
    expect(segmentAtPlayhead([], 10_000, media)).toMatchObject({ startMs: 9000, endMs: 10_000 });
  });
});

describe('dragging an edge or a whole segment', () => {
  const segments = [dubSegment('a', 1000, 2000), dubSegment('b', 3000, 4000), fileSegment('c', 6000, 9000)];

  it('clamps an edge to its neighbours, the video and a frame from the other edge', () => {
    const b = segments[1]!;
    expect(dragEdge(b, 'end', 5130, segments, snap)).toMatchObject({ startMs: 3000, endMs: 5120 });
    expect(dragEdge(b, 'end', 7000, segments, snap)).toMatchObject({ endMs: 6000 });
    expect(dragEdge(b, 'start', 500, segments, snap)).toMatchObject({ startMs: 2000 });
    expect(dragEdge(b, 'start', 3990, segments, snap)).toMatchObject({ startMs: 3960, endMs: 4000 });
    expect(dragEdge(b, 'end', 2000, segments, snap)).toMatchObject({ endMs: 3040 });
    expect(dragEdge(segments[2]!, 'end', 12_000, segments, snap)).toMatchObject({ endMs: 10_000 });
  });

  it('snaps an edge to a neighbour’s edge within the threshold, else to a frame', () => {
    const b = segments[1]!;
    expect(dragEdge(b, 'start', 2050, segments, snap).startMs).toBe(2000);
    expect(dragEdge(b, 'start', 2150, segments, snap).startMs).toBe(2160);
  });

  it('moves a dub crop that follows the segment with it; a file’s crop stays where it was', () => {
    expect(dragEdge(segments[1]!, 'end', 4500, segments, snap).audio).toEqual({ refId: 'dub', cropStartMs: 3000, cropEndMs: 4520 });
    expect(dragEdge(segments[2]!, 'start', 6500, segments, snap).audio).toEqual({ refId: 'voice', cropStartMs: 0, cropEndMs: 3000 });
  });

  it('moves a whole segment keeping its length, on frames, stopping at its neighbours', () => {
    const b = segments[1]!;
    expect(moveSegment(b, 4310, segments, snap)).toMatchObject({ startMs: 4320, endMs: 5320, audio: { cropStartMs: 4320, cropEndMs: 5320 } });
    expect(moveSegment(b, 5500, segments, snap)).toMatchObject({ startMs: 5000, endMs: 6000 });
    expect(moveSegment(b, 1000, segments, snap)).toMatchObject({ startMs: 2000, endMs: 3000 });
    // Its end near c's start (6000): the end joins it.
    expect(moveSegment(b, 4970, segments, snap)).toMatchObject({ startMs: 5000, endMs: 6000 });
  });

  it('keeps an overlap made elsewhere from making a drag jump', () => {
    const overlapping = [dubSegment('a', 1000, 2500), dubSegment('b', 2000, 3000)];
    expect(dragEdge(overlapping[1]!, 'end', 3200, overlapping, snap)).toMatchObject({ startMs: 2000, endMs: 3200 });
  });
});

describe('the lane’s keys', () => {
  const segments = [dubSegment('a', 1000, 2000), dubSegment('b', 3000, 4000)];

  it('moves a segment, its start or its end by a frame (ten with Shift), never into a neighbour', () => {
    const b = segments[1]!;
    expect(nudge(b, 'move', 1, segments, media)).toMatchObject({ startMs: 3040, endMs: 4040 });
    expect(nudge(b, 'move', -10, segments, media)).toMatchObject({ startMs: 2600, endMs: 3600 });
    expect(nudge(b, 'move', -100, segments, media)).toMatchObject({ startMs: 2000, endMs: 3000 });
    expect(nudge(b, 'start', -1, segments, media)).toMatchObject({ startMs: 2960, endMs: 4000 });
    expect(nudge(b, 'end', 1, segments, media)).toMatchObject({ startMs: 3000, endMs: 4040 });
    expect(nudge(segments[0]!, 'end', 100, segments, media)).toMatchObject({ endMs: 3000 });
    expect(nudge(segments[0]!, 'start', -100, segments, media)).toMatchObject({ startMs: 0 });
    // An edge that is off a frame (made elsewhere) steps onto one.
    expect(nudge(dubSegment('x', 1010, 2000), 'start', 1, [], media).startMs).toBe(1040);
  });

  it('puts an edge at the playhead, within its bounds', () => {
    expect(edgeAt(segments[1]!, 'start', 2500, segments, media)).toMatchObject({ startMs: 2520 });
    expect(edgeAt(segments[1]!, 'end', 9000, [...segments, dubSegment('c', 5000, 6000)], media)).toMatchObject({ endMs: 5000 });
  });

  it('maps keys as the cue lane has them, and the moving keys with their modifiers', () => {
    expect(laneKeyAction(press('ArrowRight'))).toEqual({ kind: 'select', to: 'next' });
    expect(laneKeyAction(press('z'))).toEqual({ kind: 'select', to: 'previous' });
    expect(laneKeyAction(press('X'))).toEqual({ kind: 'select', to: 'next' });
    expect(laneKeyAction(press('Home'))).toEqual({ kind: 'select', to: 'first' });
    expect(laneKeyAction(press('ArrowLeft', { altKey: true }))).toEqual({ kind: 'nudge', part: 'move', frames: -1 });
    expect(laneKeyAction(press('ArrowRight', { altKey: true, shiftKey: true }))).toEqual({ kind: 'nudge', part: 'move', frames: 10 });
    expect(laneKeyAction(press('ArrowLeft', { ctrlKey: true }))).toEqual({ kind: 'nudge', part: 'start', frames: -1 });
    expect(laneKeyAction(press('ArrowRight', { shiftKey: true }))).toEqual({ kind: 'nudge', part: 'end', frames: 1 });
    expect(laneKeyAction(press('['))).toEqual({ kind: 'edge-at-playhead', edge: 'start' });
    expect(laneKeyAction(press('Delete'))).toEqual({ kind: 'delete' });
    expect(laneKeyAction(press('Backspace'))).toEqual({ kind: 'delete' });
    expect(laneKeyAction(press('Enter'))).toEqual({ kind: 'open' });
    expect(laneKeyAction(press('Escape'))).toEqual({ kind: 'close' });
    expect(laneKeyAction(press('s'))).toEqual({ kind: 'play' });
    expect(laneKeyAction(press('z', { ctrlKey: true }))).toEqual({ kind: 'undo' });
    expect(laneKeyAction(press('Z', { ctrlKey: true, shiftKey: true }))).toEqual({ kind: 'redo' });
    expect(laneKeyAction(press('y', { metaKey: true }))).toEqual({ kind: 'redo' });
    // Left to the timeline: Space (play), + and − (zoom), letters with Alt.
    expect(laneKeyAction(press(' '))).toBeNull();
    expect(laneKeyAction(press('+'))).toBeNull();
    expect(laneKeyAction(press('s', { altKey: true }))).toBeNull();
  });
});

describe('the live check', () => {
  it('names the segment whose length no longer matches its audio, and fit or either helper clears it', () => {
    const a = dubSegment('a', 0, 1000);
    const c = fileSegment('c', 2000, 4000);
    const violations = liveViolations([a, c], media, files, 5);
    expect(violations.map((violation) => [violation.segmentId, violation.rule])).toEqual([['c', 'length-matches-audio']]);
    expect(violationsBySegment(violations, [a, c]).get('c')).toHaveLength(1);
    expect(violationsBySegment(violations, [a, c]).has('a')).toBe(false);
    expect(violationText(violations[0]!)).toMatch(/^Segment "c" lasts 2000 ms but its audio lasts 3000 ms.*\(rule: length matches the audio\)$/);

    expect(liveViolations([a, { ...c, fit: true }], media, files, 5)).toEqual([]);
    const longer = endToAudioLength(c, 3000, [a, c], media)!;
    expect(longer).toMatchObject({ startMs: 2000, endMs: 5000 });
    expect(liveViolations([a, longer], media, files, 5)).toEqual([]);
    const cropped = cropToSegmentLength(c, 3000)!;
    expect(cropped.audio).toEqual({ refId: 'voice', cropStartMs: 0, cropEndMs: 2000 });
    expect(liveViolations([a, cropped], media, files, 5)).toEqual([]);
  });

  it('offers a helper only where it can work', () => {
    const c = fileSegment('c', 2000, 4000);
    // The next segment leaves no room to lengthen c to its audio's three seconds.
    expect(endToAudioLength(c, 3000, [c, dubSegment('d', 4500, 5000)], media)).toBeNull();
    // The audio is shorter than the segment: no crop of it lasts that long.
    expect(cropToSegmentLength(fileSegment('c', 0, 4000), 3000)).toBeNull();
    // Lengths that already match need no helper; nor does the dub following the segment.
    expect(cropToSegmentLength(fileSegment('c', 0, 3000), 3000)).toBeNull();
    expect(endToAudioLength(dubSegment('a', 0, 1000), 10_000, [], media)).toBeNull();
    // A crop near the audio's end moves back so the cropped length fits inside the audio.
    expect(cropToSegmentLength(fileSegment('c', 0, 1000, 2500, 3000), 3000)!.audio).toMatchObject({ cropStartMs: 2000, cropEndMs: 3000 });
  });

  it('shows a length violation while an edge is dragged, in the dragged segment’s place', () => {
    const c = fileSegment('c', 2000, 5000);
    expect(liveViolations([c], media, files, 5)).toEqual([]);
    const dragged = dragEdge(c, 'end', 4400, [c], snap);
    const shown = withPreview([c], dragged);
    expect(shown).toEqual([dragged]);
    expect(liveViolations(shown, media, files, 5).map((violation) => [violation.segmentId, violation.rule])).toEqual([['c', 'length-matches-audio']]);
    // Within a frame (40 ms at 25 fps) of the audio's length is still a match.
    expect(liveViolations(withPreview([c], { ...c, endMs: 5040 }), media, files, 5)).toEqual([]);
  });

  it('maps overlaps, crops and unknown audio to the segments that break them, as the shared validator does', () => {
    const segments = [dubSegment('a', 1000, 3000), dubSegment('b', 2000, 4000), fileSegment('c', 5000, 6000, 2500, 2400), { ...dubSegment('d', 7000, 8000), audio: { refId: 'gone' } }];
    const violations = liveViolations(segments, media, files, 5);
    expect(violations).toEqual(validateLipSyncSegments(segments, { videoDurationMs: 10_000, fps: 25, audioDurationsMs: { dub: 10_000, voice: 3000 }, maxSegments: 5 }));
    const grouped = violationsBySegment(violations, segments);
    expect(grouped.get('b')?.map((violation) => violation.rule)).toEqual(['no-overlap']);
    expect(grouped.get('c')?.map((violation) => violation.rule)).toEqual(['crop-start-before-end']);
    expect(grouped.get('d')?.map((violation) => violation.rule)).toEqual(['known-audio']);
    expect(grouped.has('a')).toBe(false);
  });

  it('holds the limit: no segment is added past it, and a plan over it names the first one too many', () => {
    const two = [dubSegment('a', 0, 1000), dubSegment('b', 2000, 3000)];
    expect(canAddSegment(two, 3)).toBe(true);
    expect(canAddSegment(two, 2)).toBe(false);
    const over = liveViolations([...two, dubSegment('c', 4000, 5000)], media, files, 2);
    expect(over.map((violation) => [violation.segmentId, violation.rule])).toEqual([['c', 'segment-limit']]);
    expect(violationsBySegment(over, two).get('')).toHaveLength(1);
  });
});

describe('the audio and its crop', () => {
  it('switches to a file from its start, as long as the segment where the file allows, and back to the dub at the segment’s times', () => {
    const lengths = { dub: 10_000, voice: 3000 };
    expect(withAudio(dubSegment('a', 1000, 2000), 'voice', lengths).audio).toEqual({ refId: 'voice', cropStartMs: 0, cropEndMs: 1000 });
    expect(withAudio(dubSegment('a', 1000, 5000), 'voice', lengths).audio).toEqual({ refId: 'voice', cropStartMs: 0, cropEndMs: 3000 });
    expect(withAudio(fileSegment('c', 1000, 2000), 'dub', lengths).audio).toEqual({ refId: 'dub', cropStartMs: 1000, cropEndMs: 2000 });
  });

  it('keeps crop handles inside the audio and a frame apart', () => {
    const c = fileSegment('c', 0, 1000, 500, 1500);
    expect(dragCrop(c, 'start', -200, 3000, 25).audio).toMatchObject({ cropStartMs: 0, cropEndMs: 1500 });
    expect(dragCrop(c, 'start', 1490, 3000, 25).audio).toMatchObject({ cropStartMs: 1460 });
    expect(dragCrop(c, 'end', 9000, 3000, 25).audio).toMatchObject({ cropStartMs: 500, cropEndMs: 3000 });
    expect(dragCrop(c, 'end', 100, 3000, 25).audio).toMatchObject({ cropEndMs: 540 });
  });
});

describe('what a screen reader hears', () => {
  it('names the segment, its times and length, its audio and crop, fit, and each rule it breaks', () => {
    expect(segmentName(dubSegment('lip-1', 1000, 2500), files, media)).toBe('Lip-sync segment “lip-1”, 0:01.000 to 0:02.500 (1.500 s), audio: the dub at these times');
    const c = fileSegment('lip-2', 3000, 4000, 0, 3000, true);
    expect(segmentName(c, files, media)).toBe('Lip-sync segment “lip-2”, 0:03.000 to 0:04.000 (1.000 s), audio: voice.wav from 0:00.000 to 0:03.000, fitted');
    const broken = liveViolations([{ ...c, fit: false }], media, files, 5);
    expect(segmentName({ ...c, fit: false }, files, media, broken)).toMatch(/voice\.wav from 0:00\.000 to 0:03\.000; breaks the rule “length matches the audio”$/);
    expect(segmentName({ ...dubSegment('x', 0, 1000), audio: { refId: 'gone' } }, files, media)).toContain('audio: missing audio "gone"');
  });

  it('reads typed times as the cue editor does', () => {
    expect(parseTime('1:02.5')).toBe(62_500);
    expect(parseTime('3,25')).toBe(3250);
    expect(parseTime(' 7 ')).toBe(7000);
    expect(parseTime('1:2:3')).toBeNull();
    expect(parseTime('soon')).toBeNull();
  });
});
