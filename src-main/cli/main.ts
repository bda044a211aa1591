// The `redub` command: parses the command line, opens the core on the data folder, runs the
// command and exits with SPEC §4's codes. Nothing thrown here reaches a person as a stack trace.
import { mkdirSync } from 'node:fs';
import { RedubError, storageErrorCode, toErrorData } from '../shared/errors.js';
import { resolveDataFolder } from '../core/data-folder.js';
import { RedubService } from '../core/service/redub-service.js';
import { parseCommandArguments } from './arguments.js';
import { dubCommand, dubOptions } from './commands/dub.js';
import { doctorCommand } from './commands/doctor.js';
import { jobsCommand, jobsOptions } from './commands/jobs.js';
import { modelsCommand, modelsOptions } from './commands/models.js';
import { pruneCommand, pruneOptions } from './commands/prune.js';
import { cuesCommand, cuesOptions, renderCommand } from './commands/cues.js';
import { serveCommand, serveOptions } from './commands/serve.js';
import { subtitlesCommand, subtitlesOptions } from './commands/subtitles.js';
import { exitCodeForError } from './exit-codes.js';
import { createOutput } from './output.js';

const help = `redub — dub videos into other languages, offline.

Usage:
  redub dub <video or http(s) URL> --to <lang>[,<lang>…] [--from <lang>] [--subtitles <file.srt|.vtt|.ass|.ssa>]
            [--subtitles-encoding <name>] [--show-subtitles] [--translation <lang>=<file>] [--voice <lang>=<voice>] [--lipsync <segments.json>]
            [--out <dir>] [--max-speed 1.35] [--max-size-mb N] [--max-duration-minutes N]
            [--execution-provider auto|cpu|cuda|directml|coreml]
            [--transcriber <whisper pack>] [--translator <nllb or opus-mt pack>] [--glossary <file>]
  redub jobs list [--state queued,running,…] [--limit N] [--offset N]
  redub jobs show|logs|cancel|retry|delete <id>
  redub models list | install <id> [--force] | import <id> <folder-or-archive> | verify [<id>] | remove <id>
  redub serve [--port 8383]   the local HTTP API and browser app on 127.0.0.1 (--port 0: any free port)
  redub cues show|export|import <job> [file] [--format srt|vtt|json] [--out <file>]
  redub render <job>          dub a job again after its cues were edited (only what changed)
  redub subtitles inspect <file> [--encoding <name>]   how Redub reads a subtitle file: format,
                              encoding, cues (overlaps flagged) and every line it skipped
  redub prune [--dry-run]     shrink the artifact cache to the settings' size and age budget
  redub doctor

Every command takes --data-dir <dir> (or REDUB_DATA_DIR) and --json (one JSON object on stdout).
Exit codes: 0 done, 2 usage, 3 input rejected, 4 processing failed, 130 cancelled.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const wantsJson = rest.includes('--json');
  const output = createOutput(wantsJson);
  try {
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      output.result({ help }, () => help);
      return command ? 0 : 2;
    }
    const optionsByCommand = { dub: dubOptions, jobs: jobsOptions, serve: serveOptions, models: modelsOptions, prune: pruneOptions, cues: cuesOptions, render: {}, subtitles: subtitlesOptions, doctor: {} } as const;
    if (!(command in optionsByCommand)) throw new RedubError('E_USAGE', { message: `"${command}" is not a redub command. Commands: dub, jobs, cues, render, subtitles, models, serve, prune, doctor.` });
    const parsed = parseCommandArguments(rest, optionsByCommand[command as keyof typeof optionsByCommand]);
    if (parsed.values.help) {
      output.result({ help }, () => help);
      return 0;
    }
    const dataDir = resolveDataFolder(parsed.values['data-dir'] as string | undefined);
    mkdirSync(dataDir, { recursive: true });
    if (command === 'doctor') return await doctorCommand(dataDir, output);
    if (command === 'subtitles') return await subtitlesCommand(parsed.positionals, parsed.values as { encoding?: string }, output);
    if (command === 'models') return await modelsCommand(dataDir, parsed.positionals, parsed.values as { force?: boolean }, output);
    if (command === 'serve') return await serveCommand(dataDir, parsed.values as { port?: string }, output);
    // The same front door as the app and the API; this command runs only the jobs it is given.
    const service = new RedubService({ dataDir, runQueue: false });
    try {
      if (command === 'dub') return await dubCommand(service, parsed as Parameters<typeof dubCommand>[1], output);
      if (command === 'prune') return pruneCommand(service, parsed.values as { 'dry-run'?: boolean }, output);
      if (command === 'cues') return await cuesCommand(service, parsed.positionals, parsed.values as { format?: string; out?: string }, output);
      if (command === 'render') return await renderCommand(service, parsed.positionals, output);
      return await jobsCommand(service, parsed.positionals, parsed.values as { state?: string; limit?: string; offset?: string }, output);
    } finally {
      await service.close();
    }
  } catch (error) {
    const data = toErrorData(error);
    output.error(data);
    if (data.code === 'E_INTERNAL' && process.env.REDUB_DEBUG) console.error(error);
    return exitCodeForError(data);
  }
}

// The last line of defence: whatever escapes (a callback of a library, a timer) still ends as the
// sentence, the JSON and the exit code the command promises, never as a stack trace.
function failHard(error: unknown): void {
  const data = toErrorData(error);
  // The server rides out a storage failure (it answers /health with it and recovers when space
  // returns); it does not exit over one that escaped a callback.
  if (process.argv[2] === 'serve' && storageErrorCode(error)) {
    process.stderr.write(`redub serve: ${data.code}: ${data.message}\n`);
    return;
  }
  createOutput(process.argv.includes('--json')).error(data);
  if (process.env.REDUB_DEBUG) console.error(error);
  process.exit(exitCodeForError(data));
}
process.on('uncaughtException', failHard);
process.on('unhandledRejection', failHard);

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Leave once output is flushed; a handle left open by a library must not keep the command alive.
setTimeout(() => process.exit(code), 1000).unref();
