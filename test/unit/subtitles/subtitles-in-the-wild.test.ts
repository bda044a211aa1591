// Subtitle files as people have them: every encoding, broken timing lines, overlapping speakers,
// tags with spaces, ASS. Each case asserts the exact cues and warnings.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { formatAss } from '../../../src-main/core/subtitles/ass.js';
import { loadSubtitleFile, type ReadSubtitles } from '../../../src-main/core/subtitles/subtitle-file.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectory('redub-wild-subtitles-');

async function read(content: string | Buffer, name = 'cues.srt', encoding?: string): Promise<ReadSubtitles> {
  const filePath = path.join(temporaryDirectory(), name);
  await writeFile(filePath, content);
  return loadSubtitleFile(filePath, 'subtitles', encoding);
}

const texts = (read: ReadSubtitles) => read.cues.map((cue) => cue.text);
const times = (read: ReadSubtitles) => read.cues.map((cue) => [cue.startMs, cue.endMs]);
const srt = (...cues: [string, string][]) => cues.map(([timing, text], index) => `${index + 1}\n${timing}\n${text}\n`).join('\n');

describe('encodings', () => {
  const russian = 'Как зовут твоего отца? Времена меняются.';
  const file = (text: string) => srt(['00:00:01,000 --> 00:00:02,000', text], ['00:00:03,000 --> 00:00:04,000', 'Второй.']);

  it.each([
    ['utf-8', [0xef, 0xbb, 0xbf]],
    ['utf-16le', [0xff, 0xfe]],
    ['utf-16be', [0xfe, 0xff]],
    ['utf-32le', [0xff, 0xfe, 0x00, 0x00]],
    ['utf-32be', [0x00, 0x00, 0xfe, 0xff]],
  ])('reads %s by its byte order mark', async (encoding, mark) => {
    const result = await read(Buffer.concat([Buffer.from(mark), iconv.encode(file(russian), encoding)]));
    expect(result).toMatchObject({ encoding, encodingHow: 'bom', warnings: [] });
    expect(texts(result)).toEqual([russian, 'Второй.']);
  });

  it.each([
    ['windows-1251', russian, 'windows-1251'],
    ['windows-1250', 'Zażółć gęślą jaźń. Łódź jest piękna, ale nie wiem, co powiedzieć.', 'windows-1250'],
    ['gb2312', '你好，世界。我们今天去哪里？我不知道该说什么。', 'gb18030'],
    ['shift_jis', 'こんにちは、世界。元気ですか？今日はどこへ行きますか。', 'shift_jis'],
  ])('detects %s and decodes it with a real table', async (encoding, text, detected) => {
    const result = await read(iconv.encode(srt(['00:00:01,000 --> 00:00:02,000', text]), encoding));
    expect(result).toMatchObject({ encoding: detected, encodingHow: 'detected', warnings: [] });
    expect(texts(result)).toEqual([text]);
  });

  it('reads Windows-1252 punctuation as the characters it is, not as C1 control characters', async () => {
    const result = await read(iconv.encode(srt(['00:00:01,000 --> 00:00:02,000', '“Café” – 50 € à la crème brûlée.']), 'windows-1252'));
    expect(texts(result)).toEqual(['“Café” – 50 € à la crème brûlée.']);
    expect(texts(result)[0]).not.toMatch(/[\u0080-\u009f]/);
  });

  it('uses the encoding a person names, and refuses a name it does not know', async () => {
    const bytes = iconv.encode(srt(['00:00:01,000 --> 00:00:02,000', 'Привет, мир.']), 'koi8-r');
    const named = await read(bytes, 'cues.srt', 'KOI8-R');
    expect(named).toMatchObject({ encoding: 'koi8-r', encodingHow: 'named' });
    expect(texts(named)).toEqual(['Привет, мир.']);
    await expect(read(bytes, 'cues.srt', 'klingon-8')).rejects.toMatchObject({ code: 'E_SUBTITLES_ENCODING', details: ['"klingon-8" is not an encoding Redub can decode.'] });
  });

  it('warns when text still decodes to replacement characters', async () => {
    const result = await read(iconv.encode(srt(['00:00:01,000 --> 00:00:02,000', 'Café crème']), 'windows-1252'), 'cues.srt', 'utf-8');
    expect(result.warnings).toEqual([{ line: null, message: '2 character(s) could not be decoded as utf-8 and show as "\uFFFD"; if the text looks wrong, name the file\'s encoding.' }]);
  });
});

describe('timing lines', () => {
  it.each(['->', '- >', '-- >', '-->', '–>', '→'])('reads the arrow "%s"', async (arrow) => {
    const result = await read(`1\n00:00:01,000 ${arrow} 00:00:02,000\nHello\n`);
    expect(times(result)).toEqual([[1000, 2000]]);
    expect(result.warnings).toEqual([]);
  });

  it('reads full-width digits and punctuation', async () => {
    const result = await read('1\n００：００：０１，５００ --＞ ００：００：０２，０００\nこんにちは\n');
    expect(times(result)).toEqual([[1500, 2000]]);
  });

  it('reads two timing lines in a row as an empty cue (named) and the next one, never speaking a timestamp', async () => {
    const result = await read('1\n00:00:01,000 --> 00:00:02,000\n00:00:03,000 --> 00:00:04,000\nSecond\n\n3\n00:00:05,000 --> 00:00:06,000\nThird\n');
    expect(texts(result)).toEqual(['Second', 'Third']);
    expect(times(result)).toEqual([[3000, 4000], [5000, 6000]]);
    expect(result.warnings).toEqual([{ line: 2, message: 'Skipped a cue with no text (timing "00:00:01,000 --> 00:00:02,000").' }]);
  });

  it('skips a cue whose timing line cannot be read, naming its line, and does not glue it onto the cue before', async () => {
    const result = await read('1\n00:00:01,000 --> 00:00:02,000\ntext1\n00::00:03.000 --> 00:00:04.000 invalid\nLost words\n\n3\n00:00:05,000 --> 00:00:06,000\nKept\n');
    expect(texts(result)).toEqual(['text1', 'Kept']);
    expect(result.warnings).toEqual([{ line: 4, message: 'Skipped a cue: cannot read the timing line "00::00:03.000 --> 00:00:04.000 invalid"; its text was not used.' }]);
  });

  it('reads a cue whose blank line before it is missing', async () => {
    const result = await read('1\n00:00:01,000 --> 00:00:02,000\nFirst\n2\n00:00:03,000 --> 00:00:04,000\nSecond\n');
    expect(texts(result)).toEqual(['First', 'Second']);
    expect(result.warnings).toEqual([]);
  });

  it('skips a zero-length cue and one that ends before it starts, with warnings', async () => {
    const result = await read(srt(['00:00:01,000 --> 00:00:01,000', 'Nothing'], ['00:00:03,000 --> 00:00:02,000', 'Backwards'], ['00:00:04,000 --> 00:00:05,000', 'Fine']));
    expect(texts(result)).toEqual(['Fine']);
    expect(result.warnings).toEqual([
      { line: 2, message: 'Skipped a cue that lasts no time (timing "00:00:01,000 --> 00:00:01,000").' },
      { line: 6, message: 'Skipped a cue that ends before it starts (timing "00:00:03,000 --> 00:00:02,000").' },
    ]);
  });
});

describe('overlapping speakers', () => {
  it('keeps cues that overlap or start together, all flagged, none trimmed', async () => {
    const result = await read(srt(['00:00:01,000 --> 00:00:04,000', 'Speaker one talks.'], ['00:00:02,000 --> 00:00:05,000', 'Speaker two over them.'], ['00:00:06,000 --> 00:00:07,000', 'Top caption'], ['00:00:06,000 --> 00:00:07,000', 'Bottom caption'], ['00:00:08,000 --> 00:00:09,000', 'Alone']));
    expect(result.cues.map(({ startMs, endMs, text, overlaps }) => ({ startMs, endMs, text, overlaps }))).toEqual([
      { startMs: 1000, endMs: 4000, text: 'Speaker one talks.', overlaps: true },
      { startMs: 2000, endMs: 5000, text: 'Speaker two over them.', overlaps: true },
      { startMs: 6000, endMs: 7000, text: 'Top caption', overlaps: true },
      { startMs: 6000, endMs: 7000, text: 'Bottom caption', overlaps: true },
      { startMs: 8000, endMs: 9000, text: 'Alone', overlaps: false },
    ]);
    expect(result.warnings).toEqual([]);
  });
});

describe('markup', () => {
  it('strips tags written with stray spaces and ASS override blocks, keeping line breaks', async () => {
    const result = await read('1\n00:00:01,000 --> 00:00:02,000\n< i>Quiet< /  i >, {\\an8}<b >please</b>\n{\\i1}now{\\i0}\\Nplease\n');
    expect(texts(result)).toEqual(['Quiet, please\nnow\nplease']);
  });
});

describe('WebVTT by the W3C rules', () => {
  it('reads timestamps without hours, identifiers, settings and voice spans (as the speaker), and skips NOTE blocks', async () => {
    const result = await read('WEBVTT\n\nNOTE a comment\n\nfirst\n00:01.000 --> 00:02.500 align:start\n<v Roger>Hello there.</v>\n\n00:00:03.000 --> 00:00:04.000\nAgain\n', 'cues.vtt');
    expect(result.cues.map(({ startMs, endMs, text, speaker }) => ({ startMs, endMs, text, speaker }))).toEqual([
      { startMs: 1000, endMs: 2500, text: 'Hello there.', speaker: 'Roger' },
      { startMs: 3000, endMs: 4000, text: 'Again', speaker: undefined },
    ]);
    expect(result.warnings).toEqual([]);
  });

  it('skips a cue whose timestamps break the rules (a comma, one digit of seconds), naming its line', async () => {
    const result = await read('WEBVTT\n\n00:00:01,000 --> 00:00:02,000\nComma\n\n00:00:3.000 --> 00:00:04.000\nShort\n\n00:00:05.000 --> 00:00:06.000\nGood\n', 'cues.vtt');
    expect(texts(result)).toEqual(['Good']);
    expect(result.warnings.map((warning) => warning.line)).toEqual([3, 6]);
  });

  it.each([
    ['00:00.000 --> 00:01.000', [0, 1000]],
    ['00:00:00.000-->00:00:01.000', [0, 1000]],
    ['100:00:00.000 --> 100:00:01.500', [360_000_000, 360_001_500]],
    ['00:00.000 --> 00:01.000 line:0 position:10%', [0, 1000]],
    ['00:00.000 --> 00:01.000x', [0, 1000]],
    ['00:60.000 --> 00:61.000', null],
    ['0:00.000 --> 0:01.000', null],
    ['00:00.00 --> 00:01.000', null],
    ['00:00.0000 --> 00:01.000', null],
    ['00:00.000 -> 00:01.000', null],
  ] as const)('reads the timing line "%s" as the W3C rules do', async (timing, expected) => {
    const result = await read(`WEBVTT\n\n${timing}\nWords\n\n00:05.000 --> 00:06.000\nLast\n`, 'cues.vtt');
    // Sorted by start, as every reading is.
    expect(times(result)).toEqual(expected ? [[...expected], [5000, 6000]].sort((a, b) => a[0]! - b[0]!) : [[5000, 6000]]);
    expect(result.warnings).toHaveLength(expected ? 0 : 1);
  });

  it('reads a WebVTT file named .srt as WebVTT, saying so', async () => {
    const result = await read('WEBVTT\n\n00:01.000 --> 00:02.000\nHi\n', 'cues.srt');
    expect(result.format).toBe('vtt');
    expect(result.warnings).toEqual([{ line: 1, message: 'The file is named as SRT but is VTT; it is read as VTT.' }]);
  });
});

const assScript = [
  '[Script Info]',
  'Title: Test',
  'ScriptType: v4.00+',
  '',
  '[V4+ Styles]',
  'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding',
  'Style: Default,Arial,20,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,2,2,10,10,10,1',
  'Style: Sign,Arial,16,&H0000FFFF,&H000000FF,&H00000000,&H00000000,1,0,0,0,100,100,0,0,1,2,2,8,10,10,10,1',
  '',
  '[Events]',
  'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
  'Dialogue: 0,0:00:01.00,0:00:03.50,Default,Alice,0,0,0,,{\\i1}Hello{\\i0} there,\\Nfriend',
  'Comment: 0,0:00:02.00,0:00:03.00,Default,,0,0,0,,a note for the typesetter',
  'Dialogue: 0,0:00:02.00,0:00:04.00,Default,Bob,0,0,0,,Hi, Alice.',
  'Dialogue: 0,0:00:05.00,0:00:06.00,Sign,,0,0,0,,{\\p1}m 0 0 l 100 0 100 100{\\p0}',
  'Dialogue: 0,0:00:07.00,0:00:08.00,Sign,,0,0,0,,{\\an8}EXIT',
  '',
].join('\n');

describe('ASS/SSA', () => {
  it('reads Dialogue events as cues with their actor as speaker and their style, and skips comments and drawings with warnings', async () => {
    const result = await read(assScript, 'episode.ass');
    expect(result.format).toBe('ass');
    expect(result.cues.map(({ startMs, endMs, text, speaker, style, overlaps, line }) => ({ startMs, endMs, text, speaker, style, overlaps, line }))).toEqual([
      { startMs: 1000, endMs: 3500, text: 'Hello there,\nfriend', speaker: 'Alice', style: 'Default', overlaps: true, line: 12 },
      { startMs: 2000, endMs: 4000, text: 'Hi, Alice.', speaker: 'Bob', style: 'Default', overlaps: true, line: 14 },
      { startMs: 7000, endMs: 8000, text: 'EXIT', speaker: undefined, style: 'Sign', overlaps: false, line: 16 },
    ]);
    expect(result.warnings).toEqual([
      { line: 15, message: 'Skipped a drawing: it has no words to speak.' },
      { line: null, message: 'Left out 1 Comment event(s): they are notes, not lines to speak.' },
    ]);
  });

  it('writes the dubbed cues as ASS with the script\'s styles, each with its style and speaker', async () => {
    const source = await read(assScript, 'episode.ass');
    const written = formatAss([{ startMs: 1000, endMs: 3500, text: 'Hola,\namigo', style: 'Default', speaker: 'Alice' }, { startMs: 7000, endMs: 8000, text: 'SALIDA {x}', style: 'Sign' }], source.styleSheet!);
    expect(written).toContain('Style: Sign,Arial,16,&H0000FFFF');
    expect(written).toContain('Dialogue: 0,0:00:01.00,0:00:03.50,Default,Alice,0000,0000,0000,,Hola,\\Namigo');
    expect(written).toContain('Dialogue: 0,0:00:07.00,0:00:08.00,Sign,,0000,0000,0000,,SALIDA (x)');
    const back = await read(written, 'back.ass');
    expect(back.cues.map((cue) => cue.text)).toEqual(['Hola,\namigo', 'SALIDA (x)']);
  });
});
