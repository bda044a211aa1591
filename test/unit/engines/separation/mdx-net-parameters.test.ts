import { describe, expect, it } from 'vitest';
import { mdxNetChunkCount, mdxNetChunking, mdxNetParameters } from '../../../../src-main/core/engines/separation/mdx-net-parameters.js';
import { RedubError } from '../../../../src-main/shared/errors.js';

const vocFt = { nFft: 7680, dimF: 3072, dimT: 256, compensate: 1.021, primaryStem: 'vocals' };

function failure(record: Record<string, unknown> | undefined): RedubError {
  try {
    mdxNetParameters(record, 'uvr-mdx-net-voc-ft');
  } catch (error) {
    expect(error).toBeInstanceOf(RedubError);
    return error as RedubError;
  }
  throw new Error('expected mdxNetParameters to throw');
}

describe('mdxNetParameters', () => {
  it('reads a catalog record, hop defaulting to 1024 and compensate to 1', () => {
    expect(mdxNetParameters(vocFt, 'uvr-mdx-net-voc-ft')).toEqual({ nFft: 7680, dimF: 3072, dimT: 256, hop: 1024, compensate: 1.021, primaryStem: 'vocals' });
    expect(mdxNetParameters({ nFft: 6144, dimF: 3072, dimT: 256, hop: 512, primaryStem: 'instrumental' }, 'inst')).toEqual({
      nFft: 6144, dimF: 3072, dimT: 256, hop: 512, compensate: 1, primaryStem: 'instrumental',
    });
  });

  it.each([
    ['nFft', { ...vocFt, nFft: undefined }, 'missing'],
    ['nFft', { ...vocFt, nFft: 7681 }, 'even'],
    ['nFft', { ...vocFt, nFft: '7680' }, 'whole number'],
    ['dimF', { ...vocFt, dimF: 3842 }, 'the 3841 bins'],
    ['dimF', { ...vocFt, dimF: 0 }, 'positive'],
    ['dimT', { ...vocFt, dimT: 8.5 }, 'whole number'],
    ['dimT', { ...vocFt, dimT: 4 }, 'too short'],
    ['hop', { ...vocFt, hop: 4000 }, 'half of nFft'],
    ['compensate', { ...vocFt, compensate: -1 }, 'positive number'],
    ['compensate', { ...vocFt, compensate: 'loud' }, 'positive number'],
    ['primaryStem', { ...vocFt, primaryStem: undefined }, 'missing'],
    ['primaryStem', { ...vocFt, primaryStem: 'drums' }, 'neither'],
  ])('calls a bad %s E_MODEL_CORRUPT naming the pack and the field (%j)', (field, record, reason) => {
    const error = failure(record);
    expect(error.code).toBe('E_MODEL_CORRUPT');
    expect(error.message).toContain('"uvr-mdx-net-voc-ft"');
    expect(error.message).toContain(`"${field}"`);
    expect(error.message).toContain(reason);
    expect(error.action).toContain('redub models install uvr-mdx-net-voc-ft');
    expect(error.action).toContain('catalog');
  });

  it('calls a pack with no parameters at all E_MODEL_CORRUPT', () => {
    const error = failure(undefined);
    expect(error.code).toBe('E_MODEL_CORRUPT');
    expect(error.message).toContain('lists no MDX-Net parameters');
  });
});

describe('mdxNetChunking', () => {
  it('cuts chunks as UVR does: hop·(dimT − 1) samples, n_fft/2 trimmed from each end', () => {
    const chunking = mdxNetChunking(mdxNetParameters(vocFt, 'voc'));
    expect(chunking).toEqual({ chunk: 261_120, trim: 3840, step: 261_120 - 7680 });
    expect(mdxNetChunkCount(0, chunking)).toBe(0);
    expect(mdxNetChunkCount(1, chunking)).toBe(1);
    expect(mdxNetChunkCount(chunking.step, chunking)).toBe(1);
    expect(mdxNetChunkCount(chunking.step + 1, chunking)).toBe(2);
    // An hour at 44.1 kHz: 629 chunks of about 5.7 s.
    expect(mdxNetChunkCount(3600 * 44_100, chunking)).toBe(Math.ceil((3600 * 44_100) / 253_440));
  });
});
