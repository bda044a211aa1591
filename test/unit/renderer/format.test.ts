import { describe, expect, it } from 'vitest';
import { fileName, formatBytes, formatClock, formatCueTime, formatEta, formatMediaTime, formatPercent, formatSpeedFactor, formatStageDuration } from '../../../src-renderer/common/format.js';

describe('formatClock', () => {
  it('reads m:ss under an hour and h:mm:ss from an hour on', () => {
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(59_999)).toBe('0:59');
    expect(formatClock(61_000)).toBe('1:01');
    expect(formatClock(3_600_000)).toBe('1:00:00');
    expect(formatClock(3_723_000)).toBe('1:02:03');
  });

  it('never shows a negative time', () => {
    expect(formatClock(-5000)).toBe('0:00');
  });
});

describe('formatEta', () => {
  it('shows a dash when the ETA is unknown', () => {
    expect(formatEta(null)).toBe('—');
    expect(formatEta(Number.NaN)).toBe('—');
    expect(formatEta(-1)).toBe('—');
  });

  it('rounds up, so work that remains never reads as 0:00', () => {
    expect(formatEta(1)).toBe('< 0:01');
    expect(formatEta(1001)).toBe('0:02');
    expect(formatEta(42_000)).toBe('0:42');
    expect(formatEta(3_599_500)).toBe('1:00:00');
  });
});

describe('formatStageDuration', () => {
  it('uses ms, then seconds with one decimal, then a clock', () => {
    expect(formatStageDuration(null)).toBe('—');
    expect(formatStageDuration(420)).toBe('420 ms');
    expect(formatStageDuration(12_345)).toBe('12.3 s');
    expect(formatStageDuration(125_000)).toBe('2:05');
  });
});

describe('media and cue times', () => {
  it('shows tenths for the preview transport', () => {
    expect(formatMediaTime(0)).toBe('0:00.0');
    expect(formatMediaTime(65.37)).toBe('1:05.3');
    expect(formatMediaTime(Number.NaN)).toBe('0:00.0');
  });

  it('shows milliseconds for cues', () => {
    expect(formatCueTime(61_005)).toBe('1:01.005');
  });
});

describe('other formats', () => {
  it('clamps percentages to 0–100', () => {
    expect(formatPercent(-3)).toBe('0 %');
    expect(formatPercent(42.9)).toBe('42 %');
    expect(formatPercent(100.4)).toBe('100 %');
  });

  it('writes speed factors with two decimals', () => {
    expect(formatSpeedFactor(1.2345)).toBe('×1.23');
    expect(formatSpeedFactor(null)).toBe('—');
  });

  it('writes sizes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(200 * 1024 * 1024)).toBe('200 MB');
  });

  it('takes the file name from POSIX and Windows paths', () => {
    expect(fileName('/home/me/talk.mp4')).toBe('talk.mp4');
    expect(fileName('C:\\Videos\\talk.mp4')).toBe('talk.mp4');
    expect(fileName('talk.mp4')).toBe('talk.mp4');
  });
});
