// `redub dub <video> --to <lang>[,<lang>…]`: reads the files its flags name, asks the service to
// queue one job per language (or to find the jobs an earlier identical command queued), then runs
// them to completion in this process. The settings stored in the data folder (speed bound, input
// limits, glossary, execution provider) apply as they do in the app; flags override them.
import { executionPreferenceSchema } from '../../shared/contract.js';
import { RedubError } from '../../shared/errors.js';
import type { RedubService } from '../../core/service/redub-service.js';
import { isUrlInput } from '../../core/files/url-input.js';
import { readGlossaryFile } from '../../core/pipeline/glossary-file.js';
import { parseAudioPairs, parsePairs, parsePositiveNumber } from '../arguments.js';
import type { Output } from '../output.js';
import { readLipSyncFile } from '../lipsync-file.js';
import { runToCompletion } from '../run-to-completion.js';
import { dubOptions } from '../command-options.js';

export { dubOptions };

export interface DubArguments {
  positionals: string[];
  values: { [Key in keyof typeof dubOptions]?: (typeof dubOptions)[Key] extends { multiple: true } ? string[] : (typeof dubOptions)[Key] extends { type: 'boolean' } ? boolean : string };
}

export async function dubCommand(service: RedubService, args: DubArguments, output: Output): Promise<number> {
  const [input, ...extra] = args.positionals;
  if (!input || extra.length > 0) throw new RedubError('E_USAGE', { message: 'Usage: redub dub <video> --to <lang>[,<lang>…] [options]. Give exactly one video.' });
  if (!args.values.to) throw new RedubError('E_USAGE', { message: 'Name the target language(s) with --to, for example --to es.' });
  const maxSizeMb = parsePositiveNumber(args.values['max-size-mb'], '--max-size-mb');
  const maxMinutes = parsePositiveNumber(args.values['max-duration-minutes'], '--max-duration-minutes');
  const maxSpeed = parsePositiveNumber(args.values['max-speed'], '--max-speed');
  if (maxSpeed !== undefined && maxSpeed < 1) throw new RedubError('E_USAGE', { message: '--max-speed must be at least 1.' });
  const audio = parseAudioPairs(args.values.audio);
  const provider = executionPreferenceSchema.safeParse(args.values['execution-provider'] ?? 'auto');
  if (!provider.success) {
    throw new RedubError('E_USAGE', { message: `--execution-provider takes one of ${executionPreferenceSchema.options.join(', ')}; "${args.values['execution-provider']}" is not one.` });
  }

  const separation = args.values.separation;
  if (separation !== undefined && separation !== 'auto' && separation !== 'off') throw new RedubError('E_USAGE', { message: `--separation takes auto or off; "${separation}" is not one.` });
  const speakers = parseSpeakers(args.values.speakers);

  const submitted = await service.submitJobs({
    input,
    to: args.values.to.split(',').map((language) => language.trim()).filter(Boolean),
    ...(args.values.from ? { from: args.values.from } : {}),
    ...(args.values.subtitles ? { subtitles: args.values.subtitles } : {}),
    ...(args.values['subtitles-encoding'] ? { subtitlesEncoding: args.values['subtitles-encoding'] } : {}),
    ...(args.values['show-subtitles'] ? { subtitlesShown: true } : {}),
    translations: parsePairs(args.values.translation, '--translation'),
    voices: parsePairs(args.values.voice, '--voice'),
    ...(args.values.lipsync ? { lipsync: readLipSyncFile(args.values.lipsync) } : {}),
    ...(Object.keys(audio).length > 0 ? { audio } : {}),
    executionProvider: provider.data,
    ...(args.values.transcriber ? { transcriber: args.values.transcriber } : {}),
    ...(args.values.translator ? { translator: args.values.translator } : {}),
    ...(args.values.glossary ? { glossary: readGlossaryFile(args.values.glossary) } : {}),
    // A video from the web is dubbed into the folder the command runs in, as downloaders do.
    ...(args.values.out ? { outDir: args.values.out } : isUrlInput(input) ? { outDir: process.cwd() } : {}),
    ...(maxSpeed !== undefined ? { maxSpeed } : {}),
    ...(maxSizeMb !== undefined ? { maxInputMb: maxSizeMb } : {}),
    ...(maxMinutes !== undefined ? { maxDurationMinutes: maxMinutes } : {}),
    priority: Number(args.values.priority ?? 0) || 0,
    ...(separation ? { separation } : {}),
    ...(speakers !== undefined ? { speakers } : {}),
    ...(args.values.stems ? { stems: true } : {}),
  });
  for (const { job, created } of submitted) {
    if (!created) output.note(`Resuming job ${job.id} (${job.language}), which an earlier identical command started.`);
  }
  return runToCompletion(service, submitted.map(({ job }) => job.id), output);
}

/** `--speakers auto` or a whole number from 1 to 20. */
function parseSpeakers(value: string | undefined): number | 'auto' | undefined {
  if (value === undefined || value === 'auto') return value;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > 20) throw new RedubError('E_USAGE', { message: `--speakers takes auto or a whole number from 1 to 20; "${value}" is not one.` });
  return count;
}
