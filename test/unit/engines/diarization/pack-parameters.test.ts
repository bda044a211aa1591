import { describe, expect, it } from 'vitest';
import { embeddingParameters, framesPerWindow, segmentationParameters } from '../../../../src-main/core/engines/diarization/pack-parameters.js';
import { RedubError } from '../../../../src-main/shared/errors.js';
import { tinySegmentationParameters, tinySegmentationRecord } from '../../../fixtures/onnx/tiny-segmentation.js';
import { tinyEmbeddingParameters, tinyEmbeddingRecord } from '../../../fixtures/onnx/tiny-speaker-embedding.js';

function failure(read: () => unknown): RedubError {
  try {
    read();
  } catch (error) {
    if (error instanceof RedubError) return error;
    throw error;
  }
  throw new Error('no error was thrown');
}

describe('segmentationParameters', () => {
  it('reads pyannote segmentation-3.0\'s record, the window step defaulting to a tenth', () => {
    const parameters = segmentationParameters(tinySegmentationRecord, 'pyannote-segmentation-3.0');
    expect(parameters).toEqual(tinySegmentationParameters);
    expect(framesPerWindow(parameters)).toBe(589);
  });

  it.each([
    [{ ...tinySegmentationRecord, windowSamples: undefined }, 'windowSamples', 'missing'],
    [{ ...tinySegmentationRecord, receptiveFieldShift: 0 }, 'receptiveFieldShift', 'positive whole number'],
    [{ ...tinySegmentationRecord, localSpeakers: '3' }, 'localSpeakers', 'positive whole number'],
    [{ ...tinySegmentationRecord, powersetMaxClasses: 4 }, 'powersetMaxClasses', 'more than the 3 local speakers'],
    [{ ...tinySegmentationRecord, receptiveFieldSamples: 200_000 }, 'receptiveFieldSamples', 'more than the window'],
    [{ ...tinySegmentationRecord, windowStepSamples: 170_000 }, 'windowStepSamples', 'never be looked at'],
  ])('refuses a bad field, naming the pack and the field (%#)', (record, field, reason) => {
    const error = failure(() => segmentationParameters(record, 'seg-pack'));
    expect(error.code).toBe('E_MODEL_CORRUPT');
    expect(error.message).toContain('"seg-pack"');
    expect(error.message).toContain(`"${field}"`);
    expect(error.message).toContain(reason);
  });

  it('refuses a pack with no parameters at all', () => {
    const error = failure(() => segmentationParameters(undefined, 'seg-pack'));
    expect(error.code).toBe('E_MODEL_CORRUPT');
    expect(error.message).toContain('lists no segmentation parameters');
  });
});

describe('embeddingParameters', () => {
  it('reads the tiny pack and the real packs\' records', () => {
    expect(embeddingParameters(tinyEmbeddingRecord, 'tiny')).toEqual(tinyEmbeddingParameters);
    expect(embeddingParameters({ melBins: 80, normalizeFeatures: 'global-mean' }, '3dspeaker-eres2net')).toEqual({ sampleRate: 16_000, melBins: 80, normalizeFeatures: 'global-mean', sampleScale: 1 });
    expect(embeddingParameters({ sampleRate: 16_000, melBins: 80, normalizeFeatures: 'none', sampleScale: 32_768 }, 'wespeaker-resnet34')).toMatchObject({ sampleScale: 32_768 });
  });

  it.each([
    [{ normalizeFeatures: 'none' }, 'melBins'],
    [{ melBins: 80, normalizeFeatures: 'cmvn' }, 'normalizeFeatures'],
    [{ melBins: 80, sampleScale: -1 }, 'sampleScale'],
    [{ melBins: 80.5 }, 'melBins'],
  ])('refuses a bad field, naming the pack and the field (%#)', (record, field) => {
    const error = failure(() => embeddingParameters(record, 'emb-pack'));
    expect(error.code).toBe('E_MODEL_CORRUPT');
    expect(error.message).toContain('"emb-pack"');
    expect(error.message).toContain(`"${field}"`);
  });
});
