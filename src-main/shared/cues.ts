// Owns what a person may do to a job's cues, as every transport and the timeline see it: the
// edits (one schema each), the rules every edited cue must keep (the same code checks them in the
// renderer while a person drags and in the core before anything is stored), and the shape of a
// job's cues with their edit state.
import { z } from 'zod';
import type { CueRecord } from './jobs.js';

/** Longer than any line a person would want spoken in one breath; what a text box may hold. */
export const cueTextLimit = 1000;
/** More cues than a three-hour film with two speakers has; the bound keeps a job's stored layer bounded. */
export const cueCountLimit = 20_000;
/** The shortest cue a split may leave: shorter than this, no voice fits a word. */
export const minimumCueMs = 100;

export type CueRule = 'start-before-end' | 'inside-video' | 'text-required' | 'text-length' | 'cue-exists' | 'split-inside' | 'merge-needs-next' | 'revision-exists' | 'cue-count';

export const cueRuleSentences: Record<CueRule, string> = {
  'start-before-end': 'its start must come before its end',
  'inside-video': 'it must lie inside the video',
  'text-required': 'its translation must not be empty',
  'text-length': `its texts may hold at most ${cueTextLimit} characters`,
  'cue-exists': 'there is no such cue',
  'split-inside': `a split must fall inside the cue, at least ${minimumCueMs} ms from each end`,
  'merge-needs-next': 'there is no next cue to merge it with',
  'revision-exists': 'there is no earlier revision of the cues with that number',
  'cue-count': `a job may hold at most ${cueCountLimit} cues`,
};

const text = z.string().max(cueTextLimit * 4);
const time = z.number().int().min(0).max(7 * 24 * 3600_000);
/** A speaker's name: SPEAKER_2, an ASS actor's name, what a person typed. */
export const speakerName = z.string().trim().min(1).max(80);
/** A cue as an edit names it: by its position in the list as the edits before it left it, or by its id. */
const target = { index: z.number().int().min(0).optional(), id: z.string().min(1).max(80).optional() };

export const cueEditSchema = z.discriminatedUnion('op', [
  /** `speaker` names who says the cue (its voice follows); null gives it back to the subtitles' actor or the speakers found. */
  z.object({ op: z.literal('update'), ...target, targetText: text.optional(), sourceText: text.optional(), startMs: time.optional(), endMs: time.optional(), speaker: speakerName.nullable().optional() }),
  z.object({ op: z.literal('split'), ...target, atMs: time }),
  z.object({ op: z.literal('merge'), ...target }),
  z.object({ op: z.literal('insert'), startMs: time, endMs: time, targetText: text, sourceText: text.optional() }),
  z.object({ op: z.literal('delete'), ...target }),
  /** The cues as they were at an earlier revision (what undo and redo send). */
  z.object({ op: z.literal('revert'), revision: z.number().int().min(0) }),
]);
export type CueEdit = z.infer<typeof cueEditSchema>;

export const cueEditsRequestSchema = z.object({
  /** The revision the edits were made against; another one means someone else edited meanwhile. */
  revision: z.number().int().min(0),
  edits: z.array(cueEditSchema).min(1, 'Send at least one edit.').max(5000),
});
export type CueEditsRequest = z.infer<typeof cueEditsRequestSchema>;

/** A job's cue as the timeline shows it: the cue as rendered (CueRecord), and its edit state. */
export interface CueView extends CueRecord {
  /** Stable across edits and renders (b3 for the third cue a stage made, u… for one a person added). */
  id: string;
  /** A person changed it (or added it). */
  edited: boolean;
  /** It reads differently from what the dub says now: it needs a render. */
  stale: boolean;
  /** It overlaps another cue (two speakers at once): both are spoken. */
  overlaps: boolean;
}

export const speakerVoicesRequestSchema = z.object({
  /** Each speaker's voice (`piper:<pack>`, `espeak:<voice>[+variant]`); a speaker left out takes the job's default again. */
  voices: z.record(speakerName, z.string().trim().min(1).max(200)),
}).strict();
export type SpeakerVoicesRequest = z.infer<typeof speakerVoicesRequestSchema>;

/** A speaker of the job and the voice it speaks with (`piper:<pack>` or `espeak:<voice>`). */
export interface SpeakerView {
  id: string;
  voice: string;
  /** A person picked the voice (otherwise it is the next of the job's default voices). */
  picked: boolean;
  cues: number;
}

export interface CuesView {
  /** Goes up by one with every accepted batch of edits; edits must name the one they were made against. */
  revision: number;
  /** The revision the dub was last rendered from. */
  renderedRevision: number | null;
  /** Changes whenever the mixed dub or its waveform does — during a render, as soon as the mix
   * stage has committed, before the export — so a player knows to load them again. */
  mixVersion: string | null;
  dubPeaksVersion: string | null;
  /** The background separated from the voices has peaks (track=background); null when the job did not separate. */
  backgroundPeaksVersion?: string | null;
  /** Who speaks (SPEAKER_1, SPEAKER_2, … then names, as sorted), and their voices; empty when no cue names a speaker. */
  speakers?: SpeakerView[];
  /** Voices a speaker may be given (the job's default ones, in the order speakers get them). */
  voiceChoices?: string[];
  /** The video's length and frame rate: the bounds of every cue and what edges snap to. */
  durationMs: number;
  fps: number;
  cues: CueView[];
}

export interface CueFields {
  startMs: number;
  endMs: number;
  sourceText: string;
  targetText: string;
  /** Who says it, where the subtitles or a person named someone. */
  speaker?: string;
}

/** The rules one cue breaks (none: it may be stored). */
export function cueViolations(cue: CueFields, media: { durationMs: number }): CueRule[] {
  const broken: CueRule[] = [];
  if (!(cue.startMs < cue.endMs)) broken.push('start-before-end');
  if (cue.startMs < 0 || cue.endMs > media.durationMs) broken.push('inside-video');
  if (cue.targetText.trim() === '') broken.push('text-required');
  if (cue.targetText.length > cueTextLimit || cue.sourceText.length > cueTextLimit) broken.push('text-length');
  return broken;
}

/** "Edit 2 (cue 5): its start must come before its end [rule: start-before-end]". */
export function describeCueViolation(edit: number, cue: number | null, rule: CueRule): string {
  return `Edit ${edit + 1}${cue === null ? '' : ` (cue ${cue + 1})`}: ${cueRuleSentences[rule]} [rule: ${rule}]`;
}
