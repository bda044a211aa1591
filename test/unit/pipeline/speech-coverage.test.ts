import { describe, expect, it } from 'vitest';
import { speechCoverageWarnings } from '../../../src-main/core/pipeline/speech-coverage.js';

const cue = (index: number, startMs: number, endMs: number) => ({ index, startMs, endMs });
const region = (startMs: number, endMs: number) => ({ startMs, endMs });

describe('speechCoverageWarnings', () => {
  it('gives no warnings when every cue overlaps speech and all speech has a cue', () => {
    expect(speechCoverageWarnings([cue(0, 0, 2000), cue(1, 3000, 5000)], [region(100, 1900), region(3100, 5200)])).toEqual([]);
  });

  it('warns about a cue over silence, numbering it from 1 and giving its start time', () => {
    const warnings = speechCoverageWarnings([cue(0, 0, 1000), cue(1, 62_500, 63_000)], [region(0, 900)]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('Cue 2');
    expect(warnings[0]).toContain('0:01:02.500');
    expect(warnings[0]).toContain('silence');
  });

  it('does not count a region that only touches a cue’s edge as overlapping it', () => {
    const warnings = speechCoverageWarnings([cue(0, 1000, 2000)], [region(0, 1000), region(2000, 2500)]);
    expect(warnings.some((warning) => warning.startsWith('Cue 1'))).toBe(true);
  });

  it('warns about speech of 1.5 s or more that no cue covers, with its start and end', () => {
    const warnings = speechCoverageWarnings([cue(0, 0, 1000)], [region(0, 900), region(10_000, 11_500)]);
    expect(warnings).toEqual([expect.stringContaining('0:00:10.000 to 0:00:11.500')]);
    expect(warnings[0]).toContain('not dubbed');
  });

  it('ignores uncovered speech shorter than 1.5 s (a cough, a laugh)', () => {
    expect(speechCoverageWarnings([cue(0, 0, 1000)], [region(0, 900), region(10_000, 11_499)])).toEqual([]);
  });

  it('warns about every cue when the detector heard no speech at all', () => {
    expect(speechCoverageWarnings([cue(0, 0, 1000), cue(1, 2000, 3000)], [])).toHaveLength(2);
  });

  it('lists cue warnings before uncovered-speech warnings', () => {
    const warnings = speechCoverageWarnings([cue(0, 5000, 6000)], [region(0, 2000)]);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^Cue 1/);
    expect(warnings[1]).toMatch(/^Speech from/);
  });
});
