// The lip-sync lane's rules, pure so tests pin them: where a drawn segment lands, how far an edge
// or a whole segment may be dragged (never into a neighbour, never off the video, never shorter
// than a frame; snapped to frames and to the neighbours' edges as cue edges are), the keyboard's
// one-frame steps, the audio a new segment gets, the "make lengths match" helpers, and the live
// check: the shared validator run over what the person sees, its violations mapped to segments.
import { dubAudioRefId, validateLipSyncSegments, type AudioRefSummary, type LipSyncRule, type LipSyncSegment, type LipSyncViolation } from '../../../src-main/shared/lipsync.js';
import { frameDurationMs } from '../../../src-main/shared/time.js';
import { formatCueTime } from '../../common/format.js';
import { snapEdge } from './timeline-math.js';

/** What the lane knows of the job's video: its length and its frame rate (the cues' own). */
export interface LaneMedia {
  durationMs: number;
  fps: number;
}

/** A drag's snapping: within `thresholdMs` of a neighbour's edge the edge joins it, else it goes to a frame. */
export interface SnapOptions extends LaneMedia {
  thresholdMs: number;
}

/** The shortest a segment may be drawn or dragged to: one video frame, in whole milliseconds. */
export function minimumSegmentMs(fps: number): number {
  return Math.ceil(frameDurationMs(fps));
}

/** `ms` on the nearest video frame. */
export function snapToFrame(ms: number, fps: number): number {
  return fps > 0 ? Math.round((Math.round((ms / 1000) * fps) / fps) * 1000) : Math.round(ms);
}

const clamp = (value: number, low: number, high: number) => Math.max(low, Math.min(high, value));

/** Segments in start order (the lane, its keys and the validator's overlap check all read them so). */
export function sortSegments(segments: readonly LipSyncSegment[]): LipSyncSegment[] {
  return [...segments].sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
}

function edgesOf(segments: readonly LipSyncSegment[], exceptId: string | null): number[] {
  return segments.filter((segment) => segment.id !== exceptId).flatMap((segment) => [segment.startMs, segment.endMs]);
}

/**
 * The free stretch around `ms` that no other segment covers: from the end of the one before to the
 * start of the one after (the video's ends where there is none). Null where `ms` is inside another.
 */
export function gapAround(segments: readonly LipSyncSegment[], ms: number, media: LaneMedia, exceptId: string | null = null): { fromMs: number; toMs: number } | null {
  let fromMs = 0;
  let toMs = media.durationMs;
  for (const segment of segments) {
    if (segment.id === exceptId) continue;
    if (ms > segment.startMs && ms < segment.endMs) return null;
    if (segment.endMs <= ms) fromMs = Math.max(fromMs, segment.endMs);
    if (segment.startMs >= ms) toMs = Math.min(toMs, segment.startMs);
  }
  return fromMs <= toMs ? { fromMs, toMs } : null;
}

/** The bounds a segment's own edges may move within: its neighbours as they stand, and the video. */
function boundsOf(segment: LipSyncSegment, segments: readonly LipSyncSegment[], media: LaneMedia): { lowMs: number; highMs: number } {
  let lowMs = 0;
  let highMs = media.durationMs;
  for (const other of segments) {
    if (other.id === segment.id) continue;
    if (other.startMs < segment.startMs) lowMs = Math.max(lowMs, other.endMs);
    else highMs = Math.min(highMs, other.startMs);
  }
  // A plan that already overlaps (made elsewhere) must not make a drag jump: the segment's own
  // edges stay reachable, and the overlap stays a violation until it is dragged clear.
  return { lowMs: Math.min(lowMs, segment.startMs), highMs: Math.max(highMs, segment.endMs) };
}

/**
 * A segment drawn by dragging from `anchorMs` to `pointerMs` (either way round): both ends snapped,
 * kept inside the free stretch the drag began in. Null where the drag began on another segment or
 * the drawn span is shorter than a frame (a click, not a drawing).
 */
export function drawnSpan(anchorMs: number, pointerMs: number, segments: readonly LipSyncSegment[], options: SnapOptions): { startMs: number; endMs: number } | null {
  const gap = gapAround(segments, anchorMs, options);
  if (!gap) return null;
  const neighbours = edgesOf(segments, null);
  const place = (ms: number) => clamp(snapEdge(clamp(ms, gap.fromMs, gap.toMs), neighbours, options), gap.fromMs, gap.toMs);
  const anchor = place(anchorMs);
  const pointer = place(pointerMs);
  const startMs = Math.min(anchor, pointer);
  const endMs = Math.max(anchor, pointer);
  return endMs - startMs >= minimumSegmentMs(options.fps) ? { startMs, endMs } : null;
}

/** The segment with new times; a dub crop that followed the segment's times keeps following them. */
export function withTimes(segment: LipSyncSegment, startMs: number, endMs: number): LipSyncSegment {
  const next: LipSyncSegment = { ...segment, startMs, endMs };
  if (followsSegment(segment)) next.audio = { ...segment.audio, cropStartMs: startMs, cropEndMs: endMs };
  return next;
}

/**
 * Whether the segment's audio is the dub at the segment's own times: what the lips say is what the
 * dub says there. Such a crop moves with the segment, so its length always matches.
 */
export function followsSegment(segment: LipSyncSegment): boolean {
  return segment.audio.refId === dubAudioRefId && segment.audio.cropStartMs === segment.startMs && segment.audio.cropEndMs === segment.endMs;
}

/** One edge dragged to `pointerMs`: snapped, at least a frame from the other edge, not into a neighbour. */
export function dragEdge(segment: LipSyncSegment, edge: 'start' | 'end', pointerMs: number, segments: readonly LipSyncSegment[], options: SnapOptions): LipSyncSegment {
  const { lowMs, highMs } = boundsOf(segment, segments, options);
  const shortest = minimumSegmentMs(options.fps);
  const snapped = snapEdge(pointerMs, edgesOf(segments, segment.id), options);
  if (edge === 'start') return withTimes(segment, clamp(snapped, lowMs, Math.max(lowMs, segment.endMs - shortest)), segment.endMs);
  return withTimes(segment, segment.startMs, clamp(snapped, Math.min(highMs, segment.startMs + shortest), highMs));
}

/**
 * The whole segment moved so it starts near `startMs`, its length kept: its start goes to a frame,
 * or whichever of its edges is near a neighbour's edge joins it; it stops at its neighbours.
 */
export function moveSegment(segment: LipSyncSegment, startMs: number, segments: readonly LipSyncSegment[], options: SnapOptions): LipSyncSegment {
  const length = segment.endMs - segment.startMs;
  const { lowMs, highMs } = boundsOf(segment, segments, options);
  const neighbours = edgesOf(segments, segment.id);
  const near = (ms: number) => neighbours.reduce<number | null>((best, edge) => (Math.abs(edge - ms) <= options.thresholdMs && (best === null || Math.abs(edge - ms) < Math.abs(best - ms)) ? edge : best), null);
  const startNear = near(startMs);
  const endNear = near(startMs + length);
  let start: number;
  if (startNear !== null && (endNear === null || Math.abs(startNear - startMs) <= Math.abs(endNear - startMs - length))) start = startNear;
  else if (endNear !== null) start = endNear - length;
  else start = snapToFrame(startMs, options.fps);
  start = clamp(start, lowMs, Math.max(lowMs, highMs - length));
  return withTimes(segment, start, start + length);
}

/** What the keyboard moves: the whole segment, or one of its edges. */
export type NudgePart = 'move' | 'start' | 'end';

/** The segment moved `frames` video frames (negative: earlier), landing on frames, clamped as a drag is. */
export function nudge(segment: LipSyncSegment, part: NudgePart, frames: number, segments: readonly LipSyncSegment[], media: LaneMedia): LipSyncSegment {
  const step = frames * frameDurationMs(media.fps);
  // No neighbour snapping: a key press moves exactly one frame, as a person counts them.
  const options: SnapOptions = { ...media, thresholdMs: 0 };
  if (part === 'move') {
    return moveSegment(segment, segment.startMs + step, segments, options);
  }
  return dragEdge(segment, part, (part === 'start' ? segment.startMs : segment.endMs) + step, segments, options);
}

/** An edge set to the playhead (Subtitle Edit's "set start/end at video position"), within its bounds. */
export function edgeAt(segment: LipSyncSegment, edge: 'start' | 'end', ms: number, segments: readonly LipSyncSegment[], media: LaneMedia): LipSyncSegment {
  return dragEdge(segment, edge, ms, segments, { ...media, thresholdMs: 0 });
}

/** The next free id, "lip-N": short, and what every violation message calls the segment. */
export function nextSegmentId(segments: readonly LipSyncSegment[]): string {
  const taken = new Set(segments.map((segment) => segment.id));
  let number = segments.length + 1;
  while (taken.has(`lip-${number}`)) number++;
  return `lip-${number}`;
}

/** A new segment: the dub at the segment's own times, which matches its length by construction. */
export function newSegment(segments: readonly LipSyncSegment[], startMs: number, endMs: number): LipSyncSegment {
  return { id: nextSegmentId(segments), startMs, endMs, audio: { refId: dubAudioRefId, cropStartMs: startMs, cropEndMs: endMs } };
}

/** Whether another segment may be drawn: the job's limit counts every segment, drawn or loaded. */
export function canAddSegment(segments: readonly LipSyncSegment[], maxSegments: number): boolean {
  return segments.length < maxSegments;
}

/** A segment to add at the playhead, one second long (less where the free stretch is shorter); null where none fits. */
export function segmentAtPlayhead(segments: readonly LipSyncSegment[], playheadMs: number, media: LaneMedia): LipSyncSegment | null {
  const at = clamp(snapToFrame(playheadMs, media.fps), 0, media.durationMs);
  const gap = gapAround(segments, at, media);
  if (!gap) return null;
  const endMs = Math.min(gap.toMs, snapToFrame(at + 1000, media.fps));
  const startMs = endMs - at >= minimumSegmentMs(media.fps) ? at : Math.max(gap.fromMs, snapToFrame(endMs - 1000, media.fps));
  return endMs - startMs >= minimumSegmentMs(media.fps) ? newSegment(segments, startMs, endMs) : null;
}

/** The audio a segment may use, by refId: the dub (as long as the video) and each added file. */
export function audioLengths(files: readonly AudioRefSummary[], media: LaneMedia): Record<string, number> {
  return { [dubAudioRefId]: media.durationMs, ...Object.fromEntries(files.map((file) => [file.id, file.durationMs])) };
}

/** The audio switched to `refId`: the dub at the segment's times, or a file from its start, as long as the segment where the file allows. */
export function withAudio(segment: LipSyncSegment, refId: string, lengths: Record<string, number>): LipSyncSegment {
  if (refId === dubAudioRefId) return { ...segment, audio: { refId, cropStartMs: segment.startMs, cropEndMs: segment.endMs } };
  const length = lengths[refId] ?? 0;
  return { ...segment, audio: { refId, cropStartMs: 0, cropEndMs: Math.max(1, Math.min(length, segment.endMs - segment.startMs)) } };
}

/** The crop as the validator reads it: absent ends are the audio's own. */
export function cropOf(segment: LipSyncSegment, audioLengthMs: number): { startMs: number; endMs: number } {
  return { startMs: segment.audio.cropStartMs ?? 0, endMs: segment.audio.cropEndMs ?? audioLengthMs };
}

/** One crop handle dragged to `ms`: inside the audio, at least a frame from the other handle. */
export function dragCrop(segment: LipSyncSegment, handle: 'start' | 'end', ms: number, audioLengthMs: number, fps: number): LipSyncSegment {
  const crop = cropOf(segment, audioLengthMs);
  const shortest = Math.min(minimumSegmentMs(fps), audioLengthMs);
  const at = Math.round(ms);
  const audio = handle === 'start' ? { ...segment.audio, cropStartMs: clamp(at, 0, Math.max(0, crop.endMs - shortest)), cropEndMs: crop.endMs } : { ...segment.audio, cropStartMs: crop.startMs, cropEndMs: clamp(at, crop.startMs + shortest, audioLengthMs) };
  return { ...segment, audio };
}

/**
 * "Make lengths match" by moving the segment's end: it then lasts as long as its cropped audio (to
 * the nearest frame, well within the one-frame rule). Null where the neighbour or the video's end
 * leaves no room, or the lengths already match.
 */
export function endToAudioLength(segment: LipSyncSegment, audioLengthMs: number, segments: readonly LipSyncSegment[], media: LaneMedia): LipSyncSegment | null {
  if (followsSegment(segment)) return null;
  const crop = cropOf(segment, audioLengthMs);
  const wanted = segment.startMs + (crop.endMs - crop.startMs);
  // On a frame, as every segment edge is: at most half a frame off the audio's length.
  const endMs = Math.max(segment.startMs + minimumSegmentMs(media.fps), snapToFrame(wanted, media.fps));
  if (endMs === segment.endMs) return null;
  const { highMs } = boundsOf(segment, segments, media);
  if (endMs > highMs) return null;
  return { ...segment, endMs };
}

/** "Make lengths match" by cropping the audio to the segment's length, from the crop's start (earlier where the audio ends first). Null where the audio is too short. */
export function cropToSegmentLength(segment: LipSyncSegment, audioLengthMs: number): LipSyncSegment | null {
  if (followsSegment(segment)) return null;
  const crop = cropOf(segment, audioLengthMs);
  const length = segment.endMs - segment.startMs;
  if (length > audioLengthMs || crop.endMs - crop.startMs === length) return null;
  const startMs = Math.min(crop.startMs, audioLengthMs - length);
  return { ...segment, audio: { ...segment.audio, cropStartMs: startMs, cropEndMs: startMs + length } };
}

/** What the rules are called where a person reads them (each violation's own message says the numbers). */
export const lipSyncRuleNames: Record<LipSyncRule, string> = {
  'start-before-end': 'start before end',
  'inside-video': 'inside the video',
  'no-overlap': 'no overlap',
  'unique-id': 'unique id',
  'known-audio': 'known audio',
  'crop-inside-audio': 'crop inside the audio',
  'crop-start-before-end': 'crop start before end',
  'length-matches-audio': 'length matches the audio',
  'segment-limit': 'segment limit',
};

/** A violation as the lane and the editor say it: the validator's sentence (naming the segment) and the rule. */
export function violationText(violation: LipSyncViolation): string {
  return `${violation.message} (rule: ${lipSyncRuleNames[violation.rule]})`;
}

/** The shared validator over what the lane shows (a drag in progress included), with this job's media, audio and limit. */
export function liveViolations(segments: readonly LipSyncSegment[], media: LaneMedia, files: readonly AudioRefSummary[], maxSegments: number): LipSyncViolation[] {
  return validateLipSyncSegments([...segments], { videoDurationMs: media.durationMs, fps: media.fps, audioDurationsMs: audioLengths(files, media), maxSegments });
}

/** Violations by the segment they name; one that names no segment of this plan is under ''. */
export function violationsBySegment(violations: readonly LipSyncViolation[], segments: readonly LipSyncSegment[]): Map<string, LipSyncViolation[]> {
  const ids = new Set(segments.map((segment) => segment.id));
  const grouped = new Map<string, LipSyncViolation[]>();
  for (const violation of violations) {
    const key = ids.has(violation.segmentId) ? violation.segmentId : '';
    grouped.set(key, [...(grouped.get(key) ?? []), violation]);
  }
  return grouped;
}

/** The segments shown while a drag is under way: the dragged one in its new place (or the one being drawn added). */
export function withPreview(segments: readonly LipSyncSegment[], preview: LipSyncSegment | null): LipSyncSegment[] {
  if (!preview) return [...segments];
  const replaced = segments.some((segment) => segment.id === preview.id);
  return sortSegments(replaced ? segments.map((segment) => (segment.id === preview.id ? preview : segment)) : [...segments, preview]);
}

/** How a segment's audio is named for people: "the dub" or the added file's name. */
export function audioName(refId: string, files: readonly AudioRefSummary[]): string {
  if (refId === dubAudioRefId) return 'the dub';
  return files.find((file) => file.id === refId)?.name ?? `missing audio "${refId}"`;
}

/** `1.500 s`: a length as the lane and the editor say it. */
export function formatLength(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

/**
 * The name a screen reader says for a segment: its id (what violation messages call it), its
 * times and length, its audio and crop, whether it is fitted, and each rule it breaks.
 */
export function segmentName(segment: LipSyncSegment, files: readonly AudioRefSummary[], media: LaneMedia, problems: readonly LipSyncViolation[] = []): string {
  const length = audioLengths(files, media)[segment.audio.refId];
  const crop = length === undefined ? null : cropOf(segment, length);
  const audio = followsSegment(segment) ? 'audio: the dub at these times' : `audio: ${audioName(segment.audio.refId, files)}${crop ? ` from ${formatCueTime(crop.startMs)} to ${formatCueTime(crop.endMs)}` : ''}`;
  const broken = problems.length > 0 ? `; breaks ${problems.map((problem) => `the rule “${lipSyncRuleNames[problem.rule]}”`).join(' and ')}` : '';
  return `Lip-sync segment “${segment.id}”, ${formatCueTime(segment.startMs)} to ${formatCueTime(segment.endMs)} (${formatLength(segment.endMs - segment.startMs)}), ${audio}${segment.fit ? ', fitted' : ''}${broken}`;
}

/** What a key press on a focused segment asks for; null for keys the lane leaves to the timeline. */
export type LaneKeyAction =
  | { kind: 'select'; to: 'previous' | 'next' | 'first' | 'last' }
  | { kind: 'nudge'; part: NudgePart; frames: number }
  | { kind: 'edge-at-playhead'; edge: 'start' | 'end' }
  | { kind: 'delete' }
  | { kind: 'open' }
  | { kind: 'close' }
  | { kind: 'play' }
  | { kind: 'undo' }
  | { kind: 'redo' };

export interface KeyPress {
  key: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

/**
 * The lane's keys, as the cue lane has them where it has them: ←/→ (or Z/X) the previous/next
 * segment, Home/End the first/last, S plays it, Enter opens its editor, Escape closes it, Delete
 * removes it, Ctrl+Z/Ctrl+Shift+Z (Ctrl+Y) undo and redo the lane's edits. Moving: Alt+←/→ the whole
 * segment, Ctrl+←/→ its start, Shift+←/→ its end, a frame a press (Shift adds ten for Alt and Ctrl);
 * [ and ] put its start or end at the playhead.
 */
export function laneKeyAction(press: KeyPress): LaneKeyAction | null {
  const key = press.key.length === 1 ? press.key.toLowerCase() : press.key;
  const command = press.ctrlKey || press.metaKey;
  const direction = key === 'ArrowLeft' ? -1 : key === 'ArrowRight' ? 1 : 0;
  if (direction !== 0) {
    if (press.altKey) return { kind: 'nudge', part: 'move', frames: direction * (press.shiftKey ? 10 : 1) };
    if (command) return { kind: 'nudge', part: 'start', frames: direction * (press.shiftKey ? 10 : 1) };
    if (press.shiftKey) return { kind: 'nudge', part: 'end', frames: direction };
    return { kind: 'select', to: direction < 0 ? 'previous' : 'next' };
  }
  if (command && !press.altKey) {
    if (key === 'z') return { kind: press.shiftKey ? 'redo' : 'undo' };
    if (key === 'y') return { kind: 'redo' };
    return null;
  }
  if (press.altKey || command) return null;
  if (key === 'Home') return { kind: 'select', to: 'first' };
  if (key === 'End') return { kind: 'select', to: 'last' };
  if (press.shiftKey) return null;
  if (key === 'z') return { kind: 'select', to: 'previous' };
  if (key === 'x') return { kind: 'select', to: 'next' };
  if (key === '[') return { kind: 'edge-at-playhead', edge: 'start' };
  if (key === ']') return { kind: 'edge-at-playhead', edge: 'end' };
  if (key === 'Delete' || key === 'Backspace') return { kind: 'delete' };
  if (key === 'Enter') return { kind: 'open' };
  if (key === 'Escape') return { kind: 'close' };
  if (key === 's') return { kind: 'play' };
  return null;
}

/** A time a person typed, as the cue editor reads it: m:ss.mmm, ss.mmm or ss (a comma works as the point); null otherwise. */
export function parseTime(text: string): number | null {
  const match = /^(?:(\d+):)?(\d+)(?:[.,](\d{1,3}))?$/.exec(text.trim());
  if (!match) return null;
  const [, minutes = '0', seconds = '0', fraction = '0'] = match;
  return Number(minutes) * 60_000 + Number(seconds) * 1000 + Number(fraction.padEnd(3, '0'));
}
