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
  // The dub is heard, and followed by the lips, at the segment's own time: with no crop it is the
  // segment's own span, which the rules above already bound.
  if (segment.audio.refId === dubAudioRefId && segment.audio.cropStartMs === undefined && segment.audio.cropEndMs === undefined) return;
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

/** The refId of the job's own dubbed speech; every other refId names an audio file added to the job. */
export const dubAudioRefId = 'dub';

/** What an added audio file may be called: it becomes part of URLs and file names. */
export const audioRefIdPattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** The refId of an added audio file, as every transport takes it: the pattern, and never "dub". */
export const audioRefIdSchema = z
  .string()
  .regex(audioRefIdPattern, 'An audio refId is 1 to 64 letters, digits, "-" or "_", starting with a letter or digit.')
  .refine((id) => id !== dubAudioRefId, `"${dubAudioRefId}" is the job's own dubbed track; give the added audio another refId.`);

/** Why a refId cannot name an added audio file, in a sentence; null when it can. */
export function audioRefIdProblem(id: string): string | null {
  if (id === dubAudioRefId) return `"${dubAudioRefId}" is the job's own dubbed track; give the added audio another refId.`;
  if (!audioRefIdPattern.test(id)) return `"${id.slice(0, 80)}" is not an audio refId: use 1 to 64 letters, digits, "-" or "_", starting with a letter or digit.`;
  return null;
}

/** An audio file added to a job, as the job reports it (the file's path stays on the machine). */
export interface AudioRefSummary {
  id: string;
  durationMs: number;
  /** The file's name, for people. */
  name: string;
}

/** A job's lip-sync plan as JobDetails carries it: what the timeline's lane shows and edits. */
export interface LipSyncPlan {
  segments: LipSyncSegment[];
  /** The added audio files (the dub, refId "dub", is always there and not listed). */
  audio: AudioRefSummary[];
  /** The segment limit (the maxLipSyncSegments setting) the job was checked against. */
  maxSegments: number;
}

/** Every rule a segment can break, by the name violations give (for documents and editors). */
export const lipSyncRules = [
  'start-before-end', 'inside-video', 'no-overlap', 'unique-id', 'known-audio', 'crop-inside-audio', 'crop-start-before-end', 'length-matches-audio', 'segment-limit',
] as const satisfies readonly LipSyncRule[];
type UnlistedRule = Exclude<LipSyncRule, (typeof lipSyncRules)[number]>;
/** Fails to compile when a rule is added to LipSyncRule but not to the list above. */
export const everyLipSyncRuleListed: [UnlistedRule] extends [never] ? true : UnlistedRule = true;
