// The whole import path on random bytes and on random mutations of valid files, for a bounded
// time: it returns cues or throws a RedubError with a code, never anything else, and never
// speaks a timing line.
import { describe, expect, it } from 'vitest';
import { RedubError } from '../../../src-main/shared/errors.js';
import { readSubtitleBytes } from '../../../src-main/core/subtitles/subtitle-file.js';
import type { SubtitleFormat } from '../../../src-main/core/subtitles/subtitle-types.js';

const budgetMs = Number(process.env.REDUB_FUZZ_MS ?? 4000);

function random(seed: number): () => number {
  // mulberry32: small, fast, and the same sequence for the same seed.
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const valid: Record<SubtitleFormat, string> = {
  srt: '1\n00:00:01,000 --> 00:00:02,000\n<i>Hello</i> there\n\n2\n00:00:03,000 --> 00:00:04,500\nSecond {\\an8}line\n',
  vtt: 'WEBVTT\n\nNOTE x\n\nid\n00:01.000 --> 00:02.000 align:start\n<v Ann>Hi</v>\n\n00:00:03.000 --> 00:00:04.000\nBye\n',
  ass: '[Script Info]\nScriptType: v4.00+\n\n[V4+ Styles]\nFormat: Name, Fontname, Fontsize\nStyle: Default,Arial,20\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\nDialogue: 0,0:00:01.00,0:00:02.00,Default,Ann,0,0,0,,Hello{\\i1}x\n',
  ssa: '[Script Info]\nScriptType: v4.00\n\n[Events]\nFormat: Marked, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\nDialogue: Marked=0,0:00:01.00,0:00:02.00,Default,,0,0,0,,Hi\n',
};
const pieces = ['-->', '->', '\n', '\r\n', '\n\n', ':', ',', '.', '{\\', '}', '<', '>', '< /i >', 'WEBVTT', '[Events]', 'Dialogue:', '00:00:0', '\uFEFF', '\u0000', '99:99:99,999', '-1', '１：', '\uD800'];

function mutate(text: string, next: () => number): Buffer {
  let bytes = Buffer.from(text, 'utf8');
  const steps = 1 + Math.floor(next() * 6);
  for (let step = 0; step < steps; step++) {
    const at = Math.floor(next() * (bytes.length + 1));
    const kind = next();
    if (kind < 0.3) bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(pieces[Math.floor(next() * pieces.length)]!, 'utf8'), bytes.subarray(at)]);
    else if (kind < 0.55) bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(Math.min(bytes.length, at + 1 + Math.floor(next() * 8)))]);
    else if (kind < 0.8 && bytes.length > 0) bytes[Math.min(at, bytes.length - 1)] = Math.floor(next() * 256);
    else bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(Math.floor(next() * bytes.length))]);
  }
  return bytes;
}

function expectOnlyRedubErrors(bytes: Buffer, format: SubtitleFormat, seed: number): void {
  try {
    const read = readSubtitleBytes(bytes, format);
    for (const cue of read.cues) {
      expect(cue.endMs, `seed ${seed}`).toBeGreaterThan(cue.startMs);
      expect(cue.text.trim(), `seed ${seed}`).not.toBe('');
      // A timing line never becomes words to speak (in ASS the times are fields, the text is text).
      if (read.format === 'srt' || read.format === 'vtt') expect(cue.text, `seed ${seed}`).not.toMatch(/\d\d:\d\d[:.,]\d+\s*-->\s*\d/);
    }
  } catch (error) {
    if (!(error instanceof RedubError)) throw new Error(`seed ${seed}, ${format}: ${(error as Error)?.stack ?? String(error)}`);
    expect(error.code, `seed ${seed}`).toMatch(/^E_SUBTITLES_/);
  }
}

describe('subtitle import under fuzzing', () => {
  // A fixed seed keeps the suite repeatable; REDUB_FUZZ_SEED explores others (and
  // REDUB_FUZZ_MS runs longer), and a failure names its seed so it can be replayed.
  const seed = Number(process.env.REDUB_FUZZ_SEED ?? 20_261_201);

  it(`random bytes and mutated valid files give cues or a RedubError, nothing else (seed ${seed})`, () => {
    const next = random(seed);
    const formats = Object.keys(valid) as SubtitleFormat[];
    let runs = 0;
    for (const until = Date.now() + budgetMs; Date.now() < until; runs++) {
      const format = formats[runs % formats.length]!;
      const bytes = next() < 0.2 ? Buffer.from(Array.from({ length: Math.floor(next() * 512) }, () => Math.floor(next() * 256))) : mutate(valid[format], next);
      expectOnlyRedubErrors(bytes, format, seed);
    }
    expect(runs).toBeGreaterThan(100);
  });
});

describe('subtitle import on hostile long lines', () => {
  const assHeader = '[Script Info]\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\nDialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,';
  // Each of these took seconds to minutes at 100 KB when a pattern backtracked; at 1 MB a
  // quadratic reader would not finish within the test's timeout. This guards against a hang,
  // it does not time anything.
  it.each([
    ['arrow-like runs', 'srt', `1\n${'0:0 -'.repeat(200_000)}\n`],
    ['clock-like runs', 'srt', `1\n${'1:'.repeat(500_000)}\n`],
    ['unclosed override blocks', 'srt', `1\n00:00:01,000 --> 00:00:02,000\n${'{\\'.repeat(500_000)}\n`],
    ['an ASS event full of unclosed blocks', 'ass', `${assHeader}${'{\\'.repeat(500_000)}\n`],
    ['unclosed tags', 'vtt', `WEBVTT\n\n00:01.000 --> 00:02.000\n${'< i'.repeat(300_000)}\n`],
  ] as const)('reads %s without hanging', { timeout: 30_000 }, (_name, format, text) => {
    expectOnlyRedubErrors(Buffer.from(text), format, 0);
  });
});
