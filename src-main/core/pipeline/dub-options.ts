// The options one dub job runs with, as stored with the job, and the idempotency key derived
// from them: the same input with the same options is the same job.
import { z } from 'zod';
import { executionPreferenceSchema } from '../../shared/contract.js';
import { lipSyncSegmentSchema } from '../../shared/lipsync.js';
import { hashOf } from './artifact-cache.js';

export const dubJobOptionsSchema = z.object({
  inputPath: z.string(),
  inputFingerprint: z.string(),
  language: z.string(),
  sourceLanguage: z.string().nullable(),
  subtitlesPath: z.string().nullable(),
  subtitlesHash: z.string().nullable(),
  translationPath: z.string().nullable(),
  translationHash: z.string().nullable(),
  voice: z.string().nullable(),
  outDir: z.string(),
  maxSpeed: z.number().min(1).max(4),
  targetLufs: z.number().min(-40).max(-5),
  limits: z.object({ maxBytes: z.number().optional(), maxDurationMs: z.number().optional() }),
  lipSyncSegments: z.array(lipSyncSegmentSchema),
  /** Where the ONNX engines run (SPEC §1); jobs stored before this field existed mean 'auto'. */
  executionProvider: executionPreferenceSchema.default('auto'),
});

export type DubJobOptions = z.infer<typeof dubJobOptionsSchema>;

export const defaultMaxSpeed = 1.35;
export const defaultTargetLufs = -16;

/** Takes stored option sets too, with or without the fields that came later. */
export function idempotencyKeyFor(options: z.input<typeof dubJobOptionsSchema>): string {
  // Subtitle paths are left out on purpose, their content hashes stand in: moving a subtitle
  // file does not make a new job, editing it does. The execution provider is left out too: it
  // decides where the work runs, not what the result means, and leaving it out keeps the keys of
  // option sets stored before the field existed (and of every 'auto' job) unchanged.
  const { subtitlesPath: _subtitles, translationPath: _translation, executionProvider: _provider, ...identity } = options;
  return hashOf(identity);
}
