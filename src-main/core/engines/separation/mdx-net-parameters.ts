// Owns what an MDX-Net pack's catalog entry says about its model (the numbers UVR keeps in its
// model_data.json: n_fft, dim_f, dim_t, compensate, primary stem) and the chunk geometry those
// numbers fix, as UVR's separate.py cuts a track: chunks of hop·(dim_t − 1) samples, n_fft/2
// trimmed from each end of each chunk's output, so consecutive chunks advance by what is left.

import { RedubError } from '../../../shared/errors.js';

export type SeparationStem = 'vocals' | 'instrumental';

export interface MdxNetParameters {
  /** FFT size; the window is a periodic Hann of this length. */
  nFft: number;
  /** Frequency bins fed to the model: the first dimF of nFft/2 + 1. */
  dimF: number;
  /** STFT frames a chunk holds (UVR's models: 256). */
  dimT: number;
  /** STFT hop in samples (1024 for every UVR MDX-Net model). */
  hop: number;
  /** The primary stem is multiplied by this (UVR's per-model volume compensation). */
  compensate: number;
  /** What the model's output is; the other stem is the input minus it. */
  primaryStem: SeparationStem;
}

/** Reads a catalog pack's `parameters` record; a bad or missing value is E_MODEL_CORRUPT naming the pack and the field. */
export function mdxNetParameters(record: Record<string, unknown> | undefined, packId: string): MdxNetParameters {
  const bad = (field: string, reason: string) =>
    new RedubError('E_MODEL_CORRUPT', {
      message: `The model pack "${packId}" has a bad "${field}" parameter: ${reason}.`,
      action: `Install the pack again with \`redub models install ${packId}\`; if it keeps failing, fix the pack's entry in the model catalog.`,
      details: [`parameters: ${describe(record)}`],
    });
  if (record === undefined || typeof record !== 'object' || record === null) {
    throw new RedubError('E_MODEL_CORRUPT', {
      message: `The model pack "${packId}" lists no MDX-Net parameters (nFft, dimF, dimT, primaryStem).`,
      action: `Install the pack again with \`redub models install ${packId}\`; if it keeps failing, fix the pack's entry in the model catalog.`,
    });
  }
  const integer = (field: string, fallback?: number): number => {
    const value = record[field] ?? fallback;
    if (value === undefined) throw bad(field, 'it is missing');
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw bad(field, `${JSON.stringify(value)} is not a positive whole number`);
    return value;
  };
  const nFft = integer('nFft');
  if (nFft % 2 !== 0 || nFft < 4) throw bad('nFft', `${nFft} is not an even FFT size of 4 or more`);
  const dimF = integer('dimF');
  if (dimF > nFft / 2 + 1) throw bad('dimF', `${dimF} is more than the ${nFft / 2 + 1} bins an FFT of ${nFft} has`);
  const hop = integer('hop', 1024);
  if (hop > nFft / 2) throw bad('hop', `${hop} is more than half of nFft (${nFft}), so frames would not overlap`);
  const dimT = integer('dimT');
  if (hop * (dimT - 1) <= nFft) throw bad('dimT', `${dimT} frames of hop ${hop} make chunks too short to trim ${nFft / 2} samples from each end`);
  const compensate = record.compensate ?? 1;
  if (typeof compensate !== 'number' || !Number.isFinite(compensate) || compensate <= 0) throw bad('compensate', `${JSON.stringify(compensate)} is not a positive number`);
  const primaryStem = record.primaryStem;
  if (primaryStem === undefined) throw bad('primaryStem', 'it is missing');
  if (primaryStem !== 'vocals' && primaryStem !== 'instrumental') throw bad('primaryStem', `${JSON.stringify(primaryStem)} is neither "vocals" nor "instrumental"`);
  return { nFft, dimF, dimT, hop, compensate, primaryStem };
}

export interface MdxNetChunking {
  /** Samples a chunk holds: hop·(dimT − 1), so its STFT has exactly dimT frames. */
  chunk: number;
  /** Samples dropped from each end of each chunk's output: nFft/2. */
  trim: number;
  /** Samples each chunk contributes, and the distance between chunk starts: chunk − 2·trim. */
  step: number;
}

export function mdxNetChunking({ nFft, dimT, hop }: MdxNetParameters): MdxNetChunking {
  const chunk = hop * (dimT - 1);
  const trim = nFft / 2;
  return { chunk, trim, step: chunk - 2 * trim };
}

/**
 * Chunks a track of `frames` needs. Chunk i reads track samples [i·step − trim, i·step − trim +
 * chunk) (zeros outside the track) and yields track samples [i·step, (i + 1)·step).
 */
export function mdxNetChunkCount(frames: number, chunking: MdxNetChunking): number {
  return Math.ceil(frames / chunking.step);
}

function describe(record: Record<string, unknown> | undefined): string {
  try {
    const text = JSON.stringify(record);
    return text.length > 300 ? `${text.slice(0, 297)}…` : text;
  } catch {
    return String(record);
  }
}
