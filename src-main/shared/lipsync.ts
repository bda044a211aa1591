// Lip-sync segment schema and validation (SPEC §3). The renderer, the CLI and the API all call
// `validateLipSyncSegments`, so a segment is judged by the same rules wherever it is made.
import { z } from 'zod';
import { formatTimestamp, frameDurationMs } from './time.js';

export const lipSyncSegmentSchema = z.object({
  id: z.string().min(1),
  startMs: z.number().int().nonnegative(),
  endMs: z.number().int().nonnegative(),
  audio: z.object({
    refId: z.string().min(1),
    cropStartMs: z.number().int().nonnegative().optional(),
    cropEndMs: z.number().int().nonnegative().optional(),
  }),
  /** The user chose to time-fit the audio to the segment instead of matching lengths exactly. */
  fit: z.boolean().optional(),
});

export const lipSyncFileSchema = z.object({ segments: z.array(lipSyncSegmentSchema) });

export type LipSyncSegment = z.infer<typeof lipSyncSegmentSchema>;

export type LipSyncRule =
  | 'start-before-end'
  | 'inside-video'
  | 'no-overlap'
  | 'unique-id'
  | 'known-audio'
  | 'crop-inside-audio'
  | 'crop-start-before-end'
  | 'length-matches-audio'
  | 'segment-limit';

export interface LipSyncViolation {
  segmentId: string;
  rule: LipSyncRule;
  message: string;
}

export interface LipSyncContext {
  videoDurationMs: number;
  fps: number;
  /** Length of each audio the job knows, by refId (the dubbed track and user-added files). */
  audioDurationsMs: Record<string, number>;
  maxSegments: number;
}

export const defaultMaxLipSyncSegments = 5;

export function validateLipSyncSegments(segments: LipSyncSegment[], context: LipSyncContext): LipSyncViolation[] {
  const violations: LipSyncViolation[] = [];
  const add = (segmentId: string, rule: LipSyncRule, message: string) => violations.push({ segmentId, rule, message });

  if (segments.length > context.maxSegments) {
    add(segments[context.maxSegments]?.id ?? '', 'segment-limit', `At most ${context.maxSegments} lip-sync segments are allowed per job; ${segments.length} were given.`);
  }
  const seen = new Set<string>();
  for (const segment of segments) {
    if (seen.has(segment.id)) add(segment.id, 'unique-id', `Segment "${segment.id}" appears more than once; each segment needs its own id.`);
    seen.add(segment.id);
    checkSegment(segment, context, (rule, message) => add(segment.id, rule, message));
  }
  const ordered = [...segments].sort((a, b) => a.startMs - b.startMs);
  for (let index = 1; index < ordered.length; index++) {
    const previous = ordered[index - 1]!;
    const current = ordered[index]!;
    if (current.startMs < previous.endMs) {
      add(current.id, 'no-overlap', `Segment "${current.id}" (${formatTimestamp(current.startMs)}) overlaps segment "${previous.id}" (ends ${formatTimestamp(previous.endMs)}).`);
    }
  }
  return violations;
}

function checkSegment(segment: LipSyncSegment, context: LipSyncContext, add: (rule: LipSyncRule, message: string) => void): void {
  const name = `Segment "${segment.id}"`;
  if (segment.startMs >= segment.endMs) add('start-before-end', `${name} must start before it ends (start ${formatTimestamp(segment.startMs)}, end ${formatTimestamp(segment.endMs)}).`);
  if (segment.endMs > context.videoDurationMs) add('inside-video', `${name} ends at ${formatTimestamp(segment.endMs)}, after the video ends (${formatTimestamp(context.videoDurationMs)}).`);

  const audioLength = context.audioDurationsMs[segment.audio.refId];
  if (audioLength === undefined) {
    add('known-audio', `${name} uses audio "${segment.audio.refId}", which this job does not have.`);
    return;
  }
  const cropStart = segment.audio.cropStartMs ?? 0;
  const cropEnd = segment.audio.cropEndMs ?? audioLength;
  if (cropStart >= cropEnd) {
    add('crop-start-before-end', `${name}: the audio crop must start before it ends (${formatTimestamp(cropStart)} to ${formatTimestamp(cropEnd)}).`);
    return;
  }
  if (cropEnd > audioLength) {
    add('crop-inside-audio', `${name}: the audio crop ends at ${formatTimestamp(cropEnd)}, after the audio ends (${formatTimestamp(audioLength)}).`);
    return;
  }
  const segmentLength = segment.endMs - segment.startMs;
  const difference = Math.abs(cropEnd - cropStart - segmentLength);
  if (!segment.fit && segmentLength > 0 && difference > frameDurationMs(context.fps)) {
    add('length-matches-audio', `${name} lasts ${segmentLength} ms but its audio lasts ${cropEnd - cropStart} ms; make them equal within one frame or choose "fit".`);
  }
}
