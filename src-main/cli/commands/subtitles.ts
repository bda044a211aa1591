// `redub subtitles inspect <file> [--encoding <name>]`: how Redub reads a subtitle file, through
// exactly the import a dub uses — the format and encoding, the cues (index, times, text,
// speaker, whether they overlap) and every warning. With --json, one object
// {format, encoding, cues: [...], warnings: [...]}.
import { RedubError } from '../../shared/errors.js';
import { formatTimestamp } from '../../shared/time.js';
import { describeWarning, loadSubtitleFile } from '../../core/subtitles/subtitle-file.js';
import type { Output } from '../output.js';

export { subtitlesOptions } from '../command-options.js';

export async function subtitlesCommand(positionals: string[], values: { encoding?: string }, output: Output): Promise<number> {
  const [action, file, ...extra] = positionals;
  if (action !== 'inspect' || !file || extra.length > 0) {
    throw new RedubError('E_USAGE', { message: 'Usage: redub subtitles inspect <file> [--encoding <name>] [--json].' });
  }
  const read = await loadSubtitleFile(file, 'subtitles', values.encoding ?? null);
  const cues = read.cues.map((cue, index) => ({ index: index + 1, startMs: cue.startMs, endMs: cue.endMs, text: cue.text, speaker: cue.speaker ?? null, overlapping: cue.overlaps, line: cue.line ?? null }));
  output.result({ format: read.format, encoding: read.encoding, encodingHow: read.encodingHow, cues, warnings: read.warnings }, () => {
    const lines = [`${file}: ${read.format.toUpperCase()}, ${read.encoding} (${read.encodingHow}), ${cues.length} cue(s), ${read.warnings.length} warning(s)`];
    for (const cue of cues) {
      const flags = [cue.speaker ? `[${cue.speaker}]` : '', cue.overlapping ? '(overlaps)' : ''].filter(Boolean).join(' ');
      lines.push(`${String(cue.index).padStart(5)}  ${formatTimestamp(cue.startMs)} → ${formatTimestamp(cue.endMs)}  ${flags ? `${flags} ` : ''}${cue.text.replace(/\n/g, ' / ')}`);
    }
    for (const warning of read.warnings) lines.push(`warning: ${describeWarning(warning)}`);
    return lines.join('\n');
  });
  return 0;
}

