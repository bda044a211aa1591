import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSubtitleFile, type ReadSubtitles } from '../../../src-main/core/subtitles/subtitle-file.js';
import { formatSrt, formatVtt } from '../../../src-main/core/subtitles/subtitle-writers.js';
import type { SubtitleCue } from '../../../src-main/core/subtitles/subtitle-types.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectory('redub-subtitles-');

async function readFile(content: string | Buffer, name = 'cues.srt'): Promise<ReadSubtitles> {
  const filePath = path.join(temporaryDirectory(), name);
  await writeFile(filePath, content);
  return loadSubtitleFile(filePath);
}

/** The cues as times and text only. */
async function read(content: string | Buffer, name = 'cues.srt'): Promise<SubtitleCue[]> {
  return (await readFile(content, name)).cues.map(({ startMs, endMs, text }) => ({ startMs, endMs, text }));
}

function readSubtitleFile(filePath: string): Promise<ReadSubtitles> {
  return loadSubtitleFile(filePath);
}

const twoCues = '1\n00:00:01,000 --> 00:00:02,500\nHello there.\n\n2\n00:00:03,000 --> 00:00:04,000\nGeneral Kenobi.\n';
const twoCuesParsed = [
  { startMs: 1000, endMs: 2500, text: 'Hello there.' },
  { startMs: 3000, endMs: 4000, text: 'General Kenobi.' },
];

describe('readSubtitleFile', () => {
  it('reads a plain SRT', async () => {
    expect(await read(twoCues)).toEqual(twoCuesParsed);
  });

  it('strips a UTF-8 byte order mark', async () => {
    expect(await read(`\uFEFF${twoCues}`)).toEqual(twoCuesParsed);
  });

  it('accepts CRLF line endings', async () => {
    expect(await read(twoCues.replace(/\n/g, '\r\n'))).toEqual(twoCuesParsed);
  });

  it('accepts old Mac CR line endings', async () => {
    expect(await read(twoCues.replace(/\n/g, '\r'))).toEqual(twoCuesParsed);
  });

  it('accepts cues without index numbers', async () => {
    expect(await read('00:00:01,000 --> 00:00:02,500\nHello there.\n\n00:00:03,000 --> 00:00:04,000\nGeneral Kenobi.\n')).toEqual(twoCuesParsed);
  });

  it('strips HTML-ish tags: <i>, <b>, <font …>', async () => {
    const cues = await read('1\n00:00:01,000 --> 00:00:02,000\n<i>Quiet</i>, <b>please</b> <font color="#ffff00">now</font>.\n');
    expect(cues[0]?.text).toBe('Quiet, please now.');
  });

  it('strips ASS override tags such as {\\an8}', async () => {
    const cues = await read('1\n00:00:01,000 --> 00:00:02,000\n{\\an8}{\\i1}Up here{\\i0}\n');
    expect(cues[0]?.text).toBe('Up here');
  });

  it('keeps text that merely looks like a comparison', async () => {
    const cues = await read('1\n00:00:01,000 --> 00:00:02,000\n3 < 4 and 5 > 2\n');
    expect(cues[0]?.text).toBe('3 < 4 and 5 > 2');
  });

  it('drops empty cues (no text, or only tags)', async () => {
    const cues = await read('1\n00:00:00,500 --> 00:00:00,900\n\n2\n00:00:01,000 --> 00:00:02,000\n<i></i>\n\n3\n00:00:03,000 --> 00:00:04,000\nKept\n');
    expect(cues).toEqual([{ startMs: 3000, endMs: 4000, text: 'Kept' }]);
  });

  it('sorts out-of-order cues by start time', async () => {
    const cues = await read('2\n00:00:03,000 --> 00:00:04,000\nGeneral Kenobi.\n\n1\n00:00:01,000 --> 00:00:02,500\nHello there.\n');
    expect(cues).toEqual(twoCuesParsed);
  });

  it('accepts a dot as the millisecond separator in SRT', async () => {
    expect(await read(twoCues.replace(/,(\d{3})/g, '.$1'))).toEqual(twoCuesParsed);
  });

  it('reads short fractions as fractions of a second and tolerates odd arrow spacing', async () => {
    const cues = await read('1\n0:00:01,5 -->00:00:02,25\nHi\n');
    expect(cues).toEqual([{ startMs: 1500, endMs: 2250, text: 'Hi' }]);
  });

  it('skips title lines before the first cue', async () => {
    expect(await read(`Subtitles by someone\n\n${twoCues}`)).toEqual(twoCuesParsed);
  });

  it('reads WebVTT with a header, metadata, NOTE, STYLE and REGION blocks, cue ids and cue settings', async () => {
    const vtt = [
      'WEBVTT - Example',
      'Kind: captions',
      'Language: en',
      '',
      'STYLE',
      '::cue { color: yellow }',
      '',
      'REGION',
      'id:fred width:40%',
      '',
      'NOTE This is a comment',
      'spanning two lines',
      '',
      'intro',
      '00:01.000 --> 00:02.500 align:start position:10%',
      '<v Roger>Hello there.</v>',
      '',
      'NOTE between cues',
      '',
      '2',
      '00:00:03.000 --> 00:00:04.000 line:0',
      '<c.yellow>General</c> <00:00:03.500>Kenobi.',
      '',
    ].join('\n');
    expect(await read(vtt, 'cues.vtt')).toEqual(twoCuesParsed);
  });

  it('decodes VTT character references', async () => {
    const cues = await read('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nTom &amp; Jerry &lt;3&nbsp;&#8364;\n', 'cues.vtt');
    expect(cues[0]?.text).toBe('Tom & Jerry <3 €');
  });

  it('reads a WebVTT file with no blank line after its header', async () => {
    expect(await read('WEBVTT\n00:00:01.000 --> 00:00:02.500\nHello there.\n', 'cues.vtt')).toEqual([twoCuesParsed[0]]);
  });

  it('matches the extension case-insensitively', async () => {
    expect(await read(twoCues, 'CUES.SRT')).toEqual(twoCuesParsed);
    expect(await read(`WEBVTT\n\n${twoCues.replace(/,/g, '.')}`, 'Cues.Vtt')).toEqual(twoCuesParsed);
  });

  it('falls back to Windows-1252 for files that are not UTF-8', async () => {
    const latin = Buffer.from('1\n00:00:01,000 --> 00:00:02,000\nCaf\xe9 cr\xe8me\n', 'latin1');
    expect((await read(latin))[0]?.text).toBe('Café crème');
  });

  it('reads UTF-16 files that start with a byte order mark', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(twoCues, 'utf16le')]);
    expect(await read(utf16)).toEqual(twoCuesParsed);
  });

  it('E_SUBTITLES_MISSING for a path that does not exist, E_PATH_IS_FOLDER for a folder', async () => {
    await expect(readSubtitleFile(path.join(temporaryDirectory(), 'none.srt'))).rejects.toMatchObject({ code: 'E_SUBTITLES_MISSING' });
    const folder = path.join(temporaryDirectory(), 'folder.srt');
    await mkdir(folder);
    await expect(readSubtitleFile(folder)).rejects.toMatchObject({ code: 'E_PATH_IS_FOLDER', message: expect.stringContaining('folder.srt is a folder') });
  });

  it('keeps a cue\'s lines apart (they stay line breaks in exported subtitles)', async () => {
    const cues = await read('1\n00:00:01,000 --> 00:00:02,000\nFirst line\n  second line  \n');
    expect(cues[0]?.text).toBe('First line\nsecond line');
  });

  it('keeps a blank line inside an SRT cue\'s text as part of that cue', async () => {
    const cues = await read('1\n00:00:01,000 --> 00:00:02,000\nFirst part\n\nsecond part\n\n2\n00:00:03,000 --> 00:00:04,000\nNext\n');
    expect(cues.map((cue) => cue.text)).toEqual(['First part\nsecond part', 'Next']);
  });

  it('E_SUBTITLES_FORMAT for other formats, such as .sub', async () => {
    await expect(read('{1}{25}Hello\n', 'cues.sub')).rejects.toMatchObject({ code: 'E_SUBTITLES_FORMAT' });
  });

  it('E_SUBTITLES_INVALID for a file with no cues, naming the file', async () => {
    const filePath = path.join(temporaryDirectory(), 'blank.srt');
    await writeFile(filePath, '\n\n');
    await expect(readSubtitleFile(filePath)).rejects.toMatchObject({ code: 'E_SUBTITLES_INVALID', details: [`File: ${filePath}`, 'It has no timed lines with text (read as SRT in utf-8).'] });
  });

  it('E_SUBTITLES_INVALID for garbage, naming the line it could not read', async () => {
    await expect(read('1\nnot a time\nHello\n')).rejects.toMatchObject({
      code: 'E_SUBTITLES_INVALID',
      details: [expect.stringContaining('File: '), 'It has no timed lines with text (read as SRT in utf-8).', 'Line 2: Skipped 3 line(s): cannot read the timing line "not a time".'],
    });
  });

  it('E_SUBTITLES_INVALID when every cue is empty', async () => {
    await expect(read('1\n00:00:01,000 --> 00:00:02,000\n\n')).rejects.toMatchObject({ code: 'E_SUBTITLES_INVALID' });
  });
});

describe('formatSrt and formatVtt', () => {
  const cues: SubtitleCue[] = [
    { startMs: 1000, endMs: 2500, text: 'Hello there.' },
    { startMs: 3_723_004, endMs: 3_724_000, text: 'Fish & chips <cheap>' },
  ];

  it('writes SRT that reads back the same', async () => {
    const srt = formatSrt(cues);
    expect(srt).toBe('1\n00:00:01,000 --> 00:00:02,500\nHello there.\n\n2\n01:02:03,004 --> 01:02:04,000\nFish & chips <cheap>\n');
  });

  it('writes WebVTT, escaping & and <, that reads back the same', async () => {
    const vtt = formatVtt(cues);
    expect(vtt).toBe('WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.500\nHello there.\n\n2\n01:02:03.004 --> 01:02:04.000\nFish &amp; chips &lt;cheap&gt;\n');
    expect(await read(vtt, 'back.vtt')).toEqual(cues);
  });

  it('writes a valid empty WebVTT file for no cues', () => {
    expect(formatVtt([])).toBe('WEBVTT\n\n');
    expect(formatSrt([])).toBe('');
  });
});
