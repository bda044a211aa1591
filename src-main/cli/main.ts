// The `redub` command: parses the command line, opens the core on the data folder, runs the
// command and exits with SPEC §4's codes. Nothing thrown here reaches a person as a stack trace.
import { mkdirSync } from 'node:fs';
import { RedubError, storageErrorCode, toErrorData } from '../shared/errors.js';
import { resolveDataFolder } from '../core/data-folder.js';
import { workerEntryPath } from '../core/package-root.js';
import { enableCompileCache } from '../core/worker-host/compile-cache.js';
import { ForkWorkerHost } from '../core/worker-host/fork-worker-host.js';
import { parseCommandArguments } from './arguments.js';
import { optionsByCommand, type CommandName } from './command-options.js';
import type { DubArguments } from './commands/dub.js';
import { exitCodeForError } from './exit-codes.js';
import { createOutput } from './output.js';

// Only what every command needs is imported above; a command's own modules (the server for
// `serve`, the core for `dub`) load once the command line has named it, compiled from Node's
// cache where it has one (Node ≥ 22.1).
enableCompileCache();

const help = `redub — dub videos into other languages, offline.

Usage:
  redub dub <video or http(s) URL> --to <lang>[,<lang>…] [--from <lang>] [--subtitles <file.srt|.vtt|.ass|.ssa>]
            [--subtitles-encoding <name>] [--show-subtitles] [--translation <lang>=<file>] [--voice <lang>=<voice>] [--lipsync <segments.json>]
            [--audio <refId>=<file>]…   audio a lip-sync segment may use (audio.refId; "dub" is the dubbed track)
            [--out <dir>] [--max-speed 1.35] [--max-size-mb N] [--max-duration-minutes N]
            [--execution-provider auto|cpu|cuda|directml|coreml]
            [--transcriber <whisper pack>] [--translator <nllb or opus-mt pack>] [--glossary <file>]
            [--voice <lang>:<speaker>=<voice>]…   a speaker's own voice (piper:<pack> or espeak:<voice>[+variant])
            [--speakers auto|N] [--separation auto|off] [--stems]   speakers found, voices split from music, stems as WAV
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
    if (!(command in optionsByCommand)) throw new RedubError('E_USAGE', { message: `"${command}" is not a redub command. Commands: dub, jobs, cues, render, subtitles, models, serve, prune, doctor.` });
    const parsed = parseCommandArguments(rest, optionsByCommand[command as CommandName]);
    if (parsed.values.help) {
      output.result({ help }, () => help);
      return 0;
    }
    const dataDir = resolveDataFolder(parsed.values['data-dir'] as string | undefined);
    mkdirSync(dataDir, { recursive: true });
    if (command === 'doctor') return await (await import('./commands/doctor.js')).doctorCommand(dataDir, output);
    if (command === 'subtitles') return await (await import('./commands/subtitles.js')).subtitlesCommand(parsed.positionals, parsed.values as { encoding?: string }, output);
    if (command === 'models') return await (await import('./commands/models.js')).modelsCommand(dataDir, parsed.positionals, parsed.values as { force?: boolean }, output);
    if (command === 'serve') return await (await import('./commands/serve.js')).serveCommand(dataDir, parsed.values as { port?: string }, output);
    // A command that runs a job forks its worker now: the worker loads its modules, and eSpeak NG
    // (the default voice, and the slowest engine to load) in a thread, while this process loads
    // the core and checks the request, instead of after.
    const workerHost = new ForkWorkerHost(workerEntryPath(), { args: [`--redub-data-dir=${dataDir}`] });
    if (runsJobs(command, parsed.positionals)) workerHost.prestart({ REDUB_PRELOAD_ENGINES: process.env.REDUB_PRELOAD_ENGINES ?? 'tts' });
    try {
      const { RedubService } = await import('../core/service/redub-service.js');
      // The same front door as the app and the API; this command runs only the jobs it is given.
      const service = new RedubService({ dataDir, runQueue: false, workerHost });
      try {
        if (command === 'dub') return await (await import('./commands/dub.js')).dubCommand(service, parsed as DubArguments, output);
        if (command === 'prune') return (await import('./commands/prune.js')).pruneCommand(service, parsed.values as { 'dry-run'?: boolean }, output);
        if (command === 'cues') return await (await import('./commands/cues.js')).cuesCommand(service, parsed.positionals, parsed.values as { format?: string; out?: string }, output);
        if (command === 'render') return await (await import('./commands/cues.js')).renderCommand(service, parsed.positionals, output);
        return await (await import('./commands/jobs.js')).jobsCommand(service, parsed.positionals, parsed.values as { state?: string; limit?: string; offset?: string }, output);
      } finally {
        await service.close();
      }
    } finally {
      workerHost.release();
    }
  } catch (error) {
    const data = toErrorData(error);
    output.error(data);
    if (data.code === 'E_INTERNAL' && process.env.REDUB_DEBUG) console.error(error);
    return exitCodeForError(data);
  }
}

/** The commands that run jobs in this process, and so will want a worker. */
function runsJobs(command: string, positionals: string[]): boolean {
  return command === 'dub' || command === 'render' || (command === 'jobs' && positionals[0] === 'retry');
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
