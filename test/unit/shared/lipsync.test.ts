import { describe, expect, it } from 'vitest';
import { lipSyncFileSchema, validateLipSyncSegments, type LipSyncContext, type LipSyncRule, type LipSyncSegment, type LipSyncViolation } from '../../../src-main/shared/lipsync.js';

// 10 s of 25 fps video (one frame = 40 ms), the dubbed track and a 3 s user recording.
const context: LipSyncContext = { videoDurationMs: 10_000, fps: 25, audioDurationsMs: { dub: 10_000, recording: 3000 }, maxSegments: 5 };

/** A segment whose dub audio crop is as long as the segment, so the audio breaks no rule by default. */
function segment(id: string, startMs: number, endMs: number, extra: Partial<LipSyncSegment> = {}): LipSyncSegment {
  return { id, startMs, endMs, audio: { refId: 'dub', cropStartMs: 0, cropEndMs: Math.max(1, endMs - startMs) }, ...extra };
}

function validate(segments: LipSyncSegment[], overrides: Partial<LipSyncContext> = {}): LipSyncViolation[] {
  return validateLipSyncSegments(segments, { ...context, ...overrides });
}

/** Asserts exactly one violation, of this rule, for this segment, whose message names it. */
function expectOnly(violations: LipSyncViolation[], segmentId: string, rule: LipSyncRule): void {
  expect(violations.map(({ segmentId: id, rule: broken }) => ({ id, broken }))).toEqual([{ id: segmentId, broken: rule }]);
  expect(violations[0]!.message).toContain(`"${segmentId}"`);
}

describe('validateLipSyncSegments', () => {
  it('finds nothing wrong with a valid set', () => {
    const segments = [
      segment('intro', 0, 1000),
      segment('middle', 1000, 2500),
      segment('recorded', 4000, 6000, { audio: { refId: 'recording', cropStartMs: 500, cropEndMs: 2500 } }),
      segment('whole-recording', 7000, 10_000, { audio: { refId: 'recording' } }),
      segment('fitted', 2500, 3000, { audio: { refId: 'dub' }, fit: true }),
    ];
    expect(validate(segments)).toEqual([]);
  });

  it('takes a dub segment with no crop at its own time (the dub plays there), not as the whole track', () => {
    expect(validate([{ id: 'plain', startMs: 2000, endMs: 3000, audio: { refId: 'dub' } }])).toEqual([]);
    // An added file without a crop is the whole file: 3 s of audio against a 1 s segment.
    expectOnly(validate([{ id: 'take', startMs: 2000, endMs: 3000, audio: { refId: 'recording' } }]), 'take', 'length-matches-audio');
  });

  describe('start-before-end', () => {
    it('rejects a segment that ends before it starts', () => {
      expectOnly(validate([segment('backwards', 2000, 1500)]), 'backwards', 'start-before-end');
    });

    it('rejects a segment of zero length', () => {
      expectOnly(validate([segment('empty', 2000, 2000)]), 'empty', 'start-before-end');
    });
  });

  describe('inside-video', () => {
    it('rejects a segment that ends after the video', () => {
      expectOnly(validate([segment('late', 9500, 10_001)]), 'late', 'inside-video');
    });

    it('accepts a segment that ends exactly with the video', () => {
      expect(validate([segment('last', 9500, 10_000)])).toEqual([]);
    });
  });

  describe('no-overlap', () => {
    it('rejects the later of two overlapping segments, whatever order they are given in', () => {
      expectOnly(validate([segment('second', 900, 1900), segment('first', 0, 1000)]), 'second', 'no-overlap');
    });

    it('names the segment it overlaps in the message', () => {
      const [violation] = validate([segment('first', 0, 1000), segment('second', 900, 1900)]);
      expect(violation!.message).toContain('"first"');
    });

    it('accepts segments that touch end to start', () => {
      expect(validate([segment('first', 0, 1000), segment('second', 1000, 2000)])).toEqual([]);
    });
  });

  describe('unique-id', () => {
    it('rejects a second segment with an id already used', () => {
      expectOnly(validate([segment('twin', 0, 1000), segment('twin', 2000, 3000)]), 'twin', 'unique-id');
    });
  });

  describe('known-audio', () => {
    it('rejects audio the job does not have', () => {
      expectOnly(validate([segment('ghost', 0, 1000, { audio: { refId: 'narrator' } })]), 'ghost', 'known-audio');
    });
  });

  describe('crop-inside-audio', () => {
    it('rejects a crop that ends after the audio ends', () => {
      const violations = validate([segment('overrun', 0, 1000, { audio: { refId: 'recording', cropStartMs: 2500, cropEndMs: 3500 } })]);
      expectOnly(violations, 'overrun', 'crop-inside-audio');
    });

    it('accepts a crop that ends exactly with the audio', () => {
      expect(validate([segment('tail', 0, 1000, { audio: { refId: 'recording', cropStartMs: 2000, cropEndMs: 3000 } })])).toEqual([]);
    });
  });

  describe('crop-start-before-end', () => {
    it('rejects a crop that ends before it starts', () => {
      expectOnly(validate([segment('flipped', 0, 1000, { audio: { refId: 'recording', cropStartMs: 2000, cropEndMs: 1000 } })]), 'flipped', 'crop-start-before-end');
    });

    it('rejects a crop that starts after the end of the audio it defaults its end to', () => {
      expectOnly(validate([segment('past-end', 0, 1000, { audio: { refId: 'recording', cropStartMs: 3000 } })]), 'past-end', 'crop-start-before-end');
    });
  });

  describe('length-matches-audio', () => {
    it('rejects a segment whose audio is more than one frame longer', () => {
      expectOnly(validate([segment('long-audio', 0, 1000, { audio: { refId: 'dub', cropStartMs: 0, cropEndMs: 1041 } })]), 'long-audio', 'length-matches-audio');
    });

    it('rejects a segment whose audio is more than one frame shorter', () => {
      expectOnly(validate([segment('short-audio', 0, 1000, { audio: { refId: 'dub', cropStartMs: 0, cropEndMs: 959 } })]), 'short-audio', 'length-matches-audio');
    });

    it('tolerates a difference of exactly one frame', () => {
      expect(validate([segment('one-frame', 0, 1000, { audio: { refId: 'dub', cropStartMs: 0, cropEndMs: 1040 } })])).toEqual([]);
      expect(validate([segment('one-frame', 0, 1000, { audio: { refId: 'dub', cropStartMs: 0, cropEndMs: 960 } })])).toEqual([]);
    });

    it('measures the frame at the video’s own rate', () => {
      const audio = { refId: 'dub', cropStartMs: 0, cropEndMs: 1040 };
      expectOnly(validate([segment('fast-video', 0, 1000, { audio })], { fps: 50 }), 'fast-video', 'length-matches-audio');
    });

    it('compares against the whole audio when no crop is given', () => {
      expectOnly(validate([segment('uncropped', 0, 1000, { audio: { refId: 'recording' } })]), 'uncropped', 'length-matches-audio');
    });

    it('lets a segment marked fit differ in length from its audio', () => {
      expect(validate([segment('fitted', 0, 1000, { audio: { refId: 'recording' }, fit: true })])).toEqual([]);
    });
  });

  describe('segment-limit', () => {
    const segments = (count: number) => Array.from({ length: count }, (_, index) => segment(`s${index + 1}`, index * 1000, index * 1000 + 500));

    it('rejects more segments than the limit, naming the first one over it', () => {
      const violations = validate(segments(6));
      expect(violations).toEqual([{ segmentId: 's6', rule: 'segment-limit', message: expect.stringContaining('At most 5') }]);
    });

    it('accepts exactly the limit', () => {
      expect(validate(segments(5))).toEqual([]);
    });
  });

  it('reports every broken rule across segments, each with its own segment id', () => {
    const violations = validate([segment('late', 9500, 11_000), segment('ghost', 0, 1000, { audio: { refId: 'narrator' } })]);
    expect(violations.map(({ segmentId, rule }) => `${segmentId}:${rule}`).sort()).toEqual(['ghost:known-audio', 'late:inside-video']);
    for (const violation of violations) expect(violation.message).toContain(`"${violation.segmentId}"`);
  });
});

describe('lipSyncFileSchema', () => {
  it('accepts the documented file form', () => {
    expect(lipSyncFileSchema.safeParse({ segments: [{ id: 'a', startMs: 0, endMs: 1000, audio: { refId: 'dub' } }] }).success).toBe(true);
  });

  it('rejects fractional or negative times and an empty id', () => {
    const bad = [
      { id: 'a', startMs: 0.5, endMs: 1000, audio: { refId: 'dub' } },
      { id: 'a', startMs: -1, endMs: 1000, audio: { refId: 'dub' } },
      { id: '', startMs: 0, endMs: 1000, audio: { refId: 'dub' } },
      { id: 'a', startMs: 0, endMs: 1000, audio: { refId: '' } },
    ];
    for (const candidate of bad) expect(lipSyncFileSchema.safeParse({ segments: [candidate] }).success).toBe(false);
  });
});
