// Owns what the diarization packs' catalog entries say about their models: the numbers
// sherpa-onnx reads from the ONNX custom metadata (window_size, receptive_field_size,
// receptive_field_shift, num_speakers, powerset_max_classes; feature_normalize_type,
// normalize_samples), which onnxruntime-node does not expose, so the catalog carries them. A bad
// or missing value is E_MODEL_CORRUPT naming the pack and the field.

import { RedubError } from '../../../shared/errors.js';

export interface SegmentationParameters {
  /** Sample rate the model reads (pyannote/segmentation-3.0: 16 000). */
  sampleRate: number;
  /** Samples one window holds, fed as x (1, 1, windowSamples) (10 s: 160 000). */
  windowSamples: number;
  /** Samples between window starts (sherpa-onnx: a tenth of the window, 16 000). */
  windowStepSamples: number;
  /** Samples one output frame sees (991) and samples between frames (270). */
  receptiveFieldSamples: number;
  receptiveFieldShift: number;
  /** Speakers one window can tell apart (3), and at most how many of them at once (2). */
  localSpeakers: number;
  powersetMaxClasses: number;
}

export type FeatureNormalization = 'none' | 'global-mean';

export interface EmbeddingParameters {
  /** Sample rate the fbank is computed at (16 000). */
  sampleRate: number;
  /** Mel bins of the fbank, the model input's last axis (80). */
  melBins: number;
  /** 'global-mean': each bin's mean over the segment is subtracted (3D-Speaker's models). */
  normalizeFeatures: FeatureNormalization;
  /** Samples (−1…1) are multiplied by this before the fbank: 32768 for models trained on int16 levels. */
  sampleScale: number;
}

type ParameterRecord = Record<string, unknown> | undefined;

/** Reads a segmentation pack's `parameters`; only the window step may be left out. */
export function segmentationParameters(record: ParameterRecord, packId: string): SegmentationParameters {
  const read = reader(record, packId, 'segmentation', 'windowSamples, receptiveFieldSamples, receptiveFieldShift, localSpeakers, powersetMaxClasses');
  const sampleRate = read.integer('sampleRate', 16_000);
  const windowSamples = read.integer('windowSamples');
  const receptiveFieldSamples = read.integer('receptiveFieldSamples');
  if (receptiveFieldSamples > windowSamples) throw read.bad('receptiveFieldSamples', `${receptiveFieldSamples} is more than the window's ${windowSamples} samples`);
  const receptiveFieldShift = read.integer('receptiveFieldShift');
  const windowStepSamples = read.integer('windowStepSamples', Math.floor(windowSamples / 10));
  if (windowStepSamples > windowSamples) throw read.bad('windowStepSamples', `${windowStepSamples} is more than the window's ${windowSamples} samples, so audio between windows would never be looked at`);
  const localSpeakers = read.integer('localSpeakers');
  if (localSpeakers > 8) throw read.bad('localSpeakers', `${localSpeakers} is more than the 8 a window's powerset can hold here`);
  const powersetMaxClasses = read.integer('powersetMaxClasses');
  if (powersetMaxClasses > localSpeakers) throw read.bad('powersetMaxClasses', `${powersetMaxClasses} is more than the ${localSpeakers} local speakers`);
  return { sampleRate, windowSamples, windowStepSamples, receptiveFieldSamples, receptiveFieldShift, localSpeakers, powersetMaxClasses };
}

/** Reads an embedding pack's `parameters`; every field has the usual value as its default but melBins. */
export function embeddingParameters(record: ParameterRecord, packId: string): EmbeddingParameters {
  const read = reader(record, packId, 'speaker-embedding', 'melBins');
  const sampleRate = read.integer('sampleRate', 16_000);
  const melBins = read.integer('melBins');
  if (melBins > 256) throw read.bad('melBins', `${melBins} is more than the 256 mel bins a 25 ms frame can resolve`);
  const normalizeFeatures = record?.normalizeFeatures ?? 'none';
  if (normalizeFeatures !== 'none' && normalizeFeatures !== 'global-mean') throw read.bad('normalizeFeatures', `${JSON.stringify(normalizeFeatures)} is neither "none" nor "global-mean"`);
  const sampleScale = record?.sampleScale ?? 1;
  if (typeof sampleScale !== 'number' || !Number.isFinite(sampleScale) || sampleScale <= 0) throw read.bad('sampleScale', `${JSON.stringify(sampleScale)} is not a positive number`);
  return { sampleRate, melBins, normalizeFeatures, sampleScale };
}

/** Output frames one window gives: (window − receptive field) / shift + 1 (589 for pyannote's 10 s). */
export function framesPerWindow(parameters: SegmentationParameters): number {
  return Math.floor((parameters.windowSamples - parameters.receptiveFieldSamples) / parameters.receptiveFieldShift) + 1;
}

function reader(record: ParameterRecord, packId: string, kind: string, required: string) {
  const action = `Install the pack again with \`redub models install ${packId}\`; if it keeps failing, fix the pack's entry in the model catalog.`;
  if (record === undefined || typeof record !== 'object' || record === null) {
    throw new RedubError('E_MODEL_CORRUPT', { message: `The model pack "${packId}" lists no ${kind} parameters (${required}).`, action });
  }
  const bad = (field: string, reason: string) =>
    new RedubError('E_MODEL_CORRUPT', { message: `The model pack "${packId}" has a bad "${field}" parameter: ${reason}.`, action, details: [`parameters: ${describe(record)}`] });
  const integer = (field: string, fallback?: number): number => {
    const value = record[field] ?? fallback;
    if (value === undefined) throw bad(field, 'it is missing');
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw bad(field, `${JSON.stringify(value)} is not a positive whole number`);
    return value;
  };
  return { bad, integer };
}

function describe(record: Record<string, unknown>): string {
  const text = JSON.stringify(record);
  return text.length > 300 ? `${text.slice(0, 297)}…` : text;
}
