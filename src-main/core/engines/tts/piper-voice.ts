// Owns reading a Piper voice's config (<voice>.onnx.json) and turning eSpeak's IPA into the
// phoneme ids a Piper model takes, the way Piper itself does (piper-phonemize).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { RedubError } from '../../../shared/errors.js';

const piperConfigSchema = z.object({
  audio: z.object({ sample_rate: z.number().int().positive() }),
  espeak: z.object({ voice: z.string().min(1) }),
  inference: z.object({
    noise_scale: z.number().nonnegative(),
    length_scale: z.number().positive(),
    noise_w: z.number().nonnegative(),
  }),
  /** Older voices omit it; they are eSpeak voices too. Text-phoneme voices are not supported. */
  phoneme_type: z.literal('espeak').optional(),
  phoneme_id_map: z.record(z.string(), z.array(z.number().int().nonnegative()).min(1)),
  num_speakers: z.number().int().positive().default(1),
  speaker_id_map: z.record(z.string(), z.number().int().nonnegative()).default({}),
});

export type PiperConfig = z.infer<typeof piperConfigSchema>;

/** Piper's special symbols: pad between phonemes, sentence start, sentence end. */
export const piperPad = '_';
export const piperStart = '^';
export const piperEnd = '$';

/** Parses a Piper voice config; anything Piper needs that is missing or mistyped is E_MODEL_CORRUPT naming the file. */
export function parsePiperConfig(text: string, file: string): PiperConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw corrupt(file, [`It is not JSON: ${error instanceof Error ? error.message : String(error)}`], error);
  }
  const parsed = piperConfigSchema.safeParse(json);
  if (!parsed.success) {
    throw corrupt(file, parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`));
  }
  const config = parsed.data;
  const missing = [piperPad, piperStart, piperEnd].filter((symbol) => !config.phoneme_id_map[symbol]);
  if (missing.length > 0) throw corrupt(file, [`phoneme_id_map lacks the special symbol(s) ${missing.map((symbol) => `"${symbol}"`).join(', ')}.`]);
  return config;
}

export function readPiperConfig(file: string): { config: PiperConfig; text: string } {
  const text = readFileSync(file, 'utf8');
  return { config: parsePiperConfig(text, file), text };
}

function corrupt(file: string, details: string[], cause?: unknown): RedubError {
  return new RedubError('E_MODEL_CORRUPT', {
    message: `The Piper voice config ${path.basename(file)} is not a valid Piper config.`,
    action: 'Reinstall the voice\'s model pack (`redub models remove <id>`, then `redub models install <id>`).',
    details: [`File: ${file}`, ...details],
    cause,
  });
}

/**
 * eSpeak's IPA (one line per clause, words split by spaces, phonemes joined by '_') as Piper's
 * phoneme string: clauses joined by their punctuation from the text, ending with the text's own
 * final punctuation ('.' when it has none), like piper-phonemize's clause terminators.
 */
export function piperPhonemes(ipa: string, text: string): string {
  const clauses = ipa.split('\n').map((line) => line.replaceAll('_', '').trim()).filter((line) => line !== '');
  if (clauses.length === 0) return '';
  const marks = text.match(/[,.;:!?]/g) ?? [];
  const last = text.trim().match(/([.!?;:,])[\s"'»)\]]*$/)?.[1] ?? '.';
  let result = '';
  clauses.forEach((clause, index) => {
    const mark = index === clauses.length - 1 ? last : (marks[index] ?? ',');
    result += `${index > 0 ? ' ' : ''}${clause}${mark}`;
  });
  // Piper looks phonemes up by code point after NFD decomposition.
  return result.normalize('NFD');
}

export interface PhonemeIds {
  ids: number[];
  /** Phoneme characters the voice has no id for, each once, in order of appearance. */
  unknown: string[];
  /** How many phoneme characters were skipped. */
  skipped: number;
}

/** Piper's id sequence: ^, pad, then each phoneme's id(s) followed by pad, then $. */
export function piperPhonemeIds(phonemes: string, idMap: Record<string, number[]>): PhonemeIds {
  const pad = idMap[piperPad]!;
  const ids = [...idMap[piperStart]!, ...pad];
  const unknown: string[] = [];
  let skipped = 0;
  for (const character of Array.from(phonemes)) {
    const mapped = idMap[character];
    if (!mapped) {
      skipped++;
      if (!unknown.includes(character)) unknown.push(character);
      continue;
    }
    ids.push(...mapped, ...pad);
  }
  ids.push(...idMap[piperEnd]!);
  return { ids, unknown, skipped };
}
