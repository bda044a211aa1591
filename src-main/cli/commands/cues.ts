// `redub cues show|export|import <job>` and `redub render <job>`: the timeline's edits from the
// command line, through the same service calls. `export` writes the cues as they read now (SRT,
// WebVTT or JSON); `import` reads such a file and applies its differences as edits (one batch,
// all or none); `render` runs the job again in this process, synthesizing only what changed.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { CueEdit, CuesView } from '../../shared/cues.js';
import { RedubError } from '../../shared/errors.js';
import { formatTimestamp } from '../../shared/time.js';
import { readInputFile } from '../../core/files/input-files.js';
import { loadSubtitleFile } from '../../core/subtitles/subtitle-file.js';
import { formatSrt, formatVtt } from '../../core/subtitles/subtitle-writers.js';
import type { RedubService } from '../../core/service/redub-service.js';
import type { Output } from '../output.js';
import { runToCompletion } from '../run-to-completion.js';

export { cuesOptions } from '../command-options.js';

const formats = ['srt', 'vtt', 'json'] as const;
type Format = (typeof formats)[number];

const importedCuesSchema = z.union([
  z.object({ cues: z.array(z.object({ startMs: z.number().int(), endMs: z.number().int(), targetText: z.string(), sourceText: z.string().optional() })) }),
  z.array(z.object({ startMs: z.number().int(), endMs: z.number().int(), targetText: z.string(), sourceText: z.string().optional() })),
]);

interface ImportedCue {
  startMs: number;
  endMs: number;
  targetText: string;
  sourceText?: string;
}

export async function cuesCommand(service: RedubService, positionals: string[], values: { format?: string; out?: string }, output: Output): Promise<number> {
  const [action, given, file] = positionals;
  if (!given) throw new RedubError('E_USAGE', { message: 'Usage: redub cues show|export|import <job> [file]. Give the job id, as `redub jobs list` prints it.' });
  const id = service.resolveJobId(given);
  switch (action) {
    case 'show': {
      const view = await service.getCues(id);
      output.result(view, () => describeCues(view));
      return 0;
    }
    case 'export': {
      const format = formatOf(values.format ?? (values.out ? path.extname(values.out).slice(1) : 'srt'));
      const text = render(await service.getCues(id), format);
      if (values.out) {
        writeFileSync(path.resolve(values.out), text);
        output.result({ id, file: path.resolve(values.out), format }, () => `Wrote the cues of job ${id} to ${path.resolve(values.out!)}.`);
      } else {
        process.stdout.write(text);
      }
      return 0;
    }
    case 'import': {
      if (!file) throw new RedubError('E_USAGE', { message: 'Usage: redub cues import <job> <file.srt|file.vtt|file.json>.' });
      const current = await service.getCues(id);
      const edits = differences(current, await readCueFile(path.resolve(file)));
      if (edits.length === 0) {
        output.result(current, () => 'The file says what the cues already say: nothing to change.');
        return 0;
      }
      const view = await service.editCues(id, { revision: current.revision, edits });
      output.result(view, () => `Applied ${edits.length} edit${edits.length === 1 ? '' : 's'}; the cues are at revision ${view.revision}. Run \`redub render ${id.slice(0, 8)}\` to hear them.`);
      return 0;
    }
    default:
      throw new RedubError('E_USAGE', { message: 'Usage: redub cues show|export|import <job> [file].' });
  }
}

export async function renderCommand(service: RedubService, positionals: string[], output: Output): Promise<number> {
  const [given] = positionals;
  if (!given) throw new RedubError('E_USAGE', { message: 'Usage: redub render <job>.' });
  const job = await service.renderJob(service.resolveJobId(given));
  return runToCompletion(service, [job.id], output);
}

function formatOf(value: string): Format {
  const format = value.toLowerCase() as Format;
  if (!formats.includes(format)) throw new RedubError('E_USAGE', { message: `--format takes one of ${formats.join(', ')}; "${value}" is not one.` });
  return format;
}

function render(view: CuesView, format: Format): string {
  if (format === 'json') return `${JSON.stringify({ cues: view.cues.map(({ startMs, endMs, sourceText, targetText }) => ({ startMs, endMs, sourceText, targetText })) }, null, 2)}\n`;
  const cues = view.cues.map((cue) => ({ startMs: cue.startMs, endMs: cue.endMs, text: cue.targetText }));
  return format === 'srt' ? formatSrt(cues) : formatVtt(cues);
}

async function readCueFile(file: string): Promise<ImportedCue[]> {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse((await readInputFile(file, 'subtitles')).toString('utf8'));
    } catch (error) {
      if (error instanceof RedubError) throw error;
      throw new RedubError('E_SUBTITLES_INVALID', { details: [`File: ${file}`, (error as Error).message] });
    }
    const shape = importedCuesSchema.safeParse(parsed);
    if (!shape.success) throw new RedubError('E_SUBTITLES_INVALID', { details: [`File: ${file}`, ...shape.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`)] });
    return Array.isArray(shape.data) ? shape.data : shape.data.cues;
  }
  // Read exactly as a dub's subtitles are (encoding, format, warnings).
  const read = await loadSubtitleFile(file, 'subtitles');
  return read.cues.map((cue) => ({ startMs: cue.startMs, endMs: cue.endMs, targetText: cue.text }));
}

/** The edits that turn the cues into the file's: by position, cues named by id so none can shift. */
export function differences(current: CuesView, wanted: readonly ImportedCue[]): CueEdit[] {
  const edits: CueEdit[] = [];
  current.cues.forEach((cue, index) => {
    const target = wanted[index];
    if (!target) {
      edits.push({ op: 'delete', id: cue.id });
      return;
    }
    const change: CueEdit = { op: 'update', id: cue.id };
    if (target.startMs !== cue.startMs) change.startMs = target.startMs;
    if (target.endMs !== cue.endMs) change.endMs = target.endMs;
    if (target.targetText !== cue.targetText) change.targetText = target.targetText;
    if (target.sourceText !== undefined && target.sourceText !== cue.sourceText) change.sourceText = target.sourceText;
    if (Object.keys(change).length > 2) edits.push(change);
  });
  for (const extra of wanted.slice(current.cues.length)) edits.push({ op: 'insert', startMs: extra.startMs, endMs: extra.endMs, targetText: extra.targetText, ...(extra.sourceText ? { sourceText: extra.sourceText } : {}) });
  return edits;
}

function describeCues(view: CuesView): string {
  const lines = [`Revision ${view.revision}${view.renderedRevision !== null && view.renderedRevision !== view.revision ? ` (the dub speaks revision ${view.renderedRevision}: run \`redub render\`)` : ''}; ${view.cues.length} cues.`];
  for (const cue of view.cues) {
    const marks = [cue.edited ? 'edited' : '', cue.stale ? 'stale' : '', cue.overlaps ? 'overlaps' : '', cue.flag === 'overflow' ? 'too long' : ''].filter(Boolean).join(', ');
    lines.push(`${String(cue.index + 1).padStart(4)}  ${formatTimestamp(cue.startMs)} → ${formatTimestamp(cue.endMs)}  ${cue.speedFactor !== null ? `${cue.speedFactor.toFixed(2)}×` : '  –  '}  ${cue.targetText}${marks ? `  [${marks}]` : ''}`);
  }
  return lines.join('\n');
}
