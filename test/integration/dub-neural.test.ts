// The neural path end to end: tiny Whisper, NLLB, Marian and Piper packs (generated in their real
// on-disk layouts) are installed by `redub models install` from a local server — one that cuts
// the first download of each file mid-way, so every file resumes — and `redub dub video --to es`
// then needs nothing else: Whisper transcribes (its scripted "Hello world." / "Good morning."),
// Marian or NLLB translates (the tiny decoders copy their source), Piper speaks, the mix and the
// export follow. A forced CUDA preference falls back to the CPU; missing packs are refused first.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFfmpeg } from '../../src-main/core/media/run-ffmpeg.js';
import { tinyPackIds, writeTinyPacks } from '../fixtures/models/tiny-packs.js';
import { bundledSample, parseJson, runRedub, type DubJson } from '../helpers/cli.js';
import { startFileServer, type FileServer } from './models/model-fixtures.js';

interface LogsJson {
  logs: { level: string; stage: string | null; message: string }[];
}

interface ErrorJson {
  error?: { code: string; message: string; action: string };
}

describe('redub dub with Whisper, a translation pack and Piper installed', { timeout: 300_000 }, () => {
  // One folder for the whole file (the installed packs serve every test), removed at the end.
  const root = mkdtempSync(path.join(tmpdir(), 'redub-dub-neural-'));
  let server: FileServer;
  let env: NodeJS.ProcessEnv;
  let dataDir: string;
  let served: Record<string, Buffer>;

  beforeAll(async () => {
    // The server's address goes into the catalog, so it starts first, then learns its files.
    const files: Record<string, Buffer> = {};
    server = await startFileServer(files, { dropAfter: 700 });
    const tiny = writeTinyPacks(path.join(root, 'packs'), server.url);
    served = tiny.served;
    Object.assign(files, served);
    const catalog = path.join(root, 'catalog.json');
    writeFileSync(catalog, JSON.stringify({ version: 1, packs: tiny.packs }));
    env = { REDUB_MODEL_CATALOG: catalog };
    dataDir = path.join(root, 'data');
    for (const id of [tinyPackIds.whisper, tinyPackIds.marian, tinyPackIds.nllb, tinyPackIds.piper]) {
      const installed = await runRedub(['models', 'install', id, '--data-dir', dataDir, '--json'], env);
      expect(installed.code, installed.stdout + installed.stderr).toBe(0);
    }
  });

  afterAll(async () => {
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('installed every pack, resuming each file the server cut off', () => {
    const cut = Object.entries(served).filter(([, data]) => data.length > 700).map(([urlPath]) => urlPath);
    expect(cut.length).toBeGreaterThan(10);
    const resumed = cut.filter((urlPath) => {
      const sequence = server.requests.filter((request) => request.path === urlPath).map((request) => [request.status, request.range ?? null]);
      expect(sequence[0]).toEqual([200, null]);
      expect(sequence.length).toBeGreaterThanOrEqual(2);
      return sequence.some(([status, range]) => status === 206 && range === 'bytes=700-');
    });
    // A cut can reach the client before it has kept a byte (the reset discards what it had not
    // read); its retry then starts from zero, as it should. Most cuts resume where they stopped.
    expect(resumed.length).toBeGreaterThan(cut.length / 2);
  });

  it('refuses a pack whose server sends a corrupted file, leaving nothing half-installed', async () => {
    const corrupted = Object.fromEntries(Object.entries(served).map(([urlPath, data]) => [urlPath, urlPath.endsWith('/onnx/decoder_model_merged.onnx') ? Buffer.from(data).fill(7, 100, 200) : data]));
    const lying = await startFileServer(corrupted);
    try {
      // The same catalog, pointed at the lying server.
      const catalog = path.join(root, 'lying-catalog.json');
      const packs = JSON.parse(readFileSync(env.REDUB_MODEL_CATALOG!, 'utf8')) as { packs: { files: { url: string }[] }[] };
      for (const pack of packs.packs) for (const file of pack.files) file.url = file.url.replace(server.url, lying.url);
      writeFileSync(catalog, JSON.stringify(packs));
      const otherData = path.join(root, 'other-data');
      const result = await runRedub(['models', 'install', tinyPackIds.whisper, '--data-dir', otherData, '--json'], { REDUB_MODEL_CATALOG: catalog });
      expect(result.code).toBe(4);
      const error = parseJson<ErrorJson>(result).error;
      expect(error?.code).toBe('E_MODEL_CORRUPT');
      const listed = parseJson<{ packs: { id: string; installed: boolean }[] }>(await runRedub(['models', 'list', '--data-dir', otherData, '--json'], { REDUB_MODEL_CATALOG: catalog }));
      expect(listed.packs.find((pack) => pack.id === tinyPackIds.whisper)?.installed).toBe(false);
      expect(existsSync(path.join(otherData, 'models', tinyPackIds.whisper))).toBe(false);
    } finally {
      await lying.close();
    }
  });

  it('redub doctor names the packs that will transcribe, translate and speak', async () => {
    const doctor = parseJson<{ checks: { name: string; ok: boolean; detail: string }[] }>(await runRedub(['doctor', '--data-dir', dataDir, '--json'], env));
    const packs = doctor.checks.find((check) => check.name === 'model packs');
    expect(packs?.ok).toBe(true);
    expect(packs?.detail).toContain(`transcription: ${tinyPackIds.whisper}`);
    expect(packs?.detail).toContain(tinyPackIds.marian);
    expect(packs?.detail).toContain(`voices: ${tinyPackIds.piper}`);
  });

  async function dub(extra: string[], name: string): Promise<{ job: DubJson['jobs'][number]; logs: LogsJson['logs']; subtitles: string }> {
    const out = path.join(root, 'out', name);
    const result = await runRedub(['dub', bundledSample.video, '--to', 'es', '--out', out, '--data-dir', dataDir, '--json', ...extra], env);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const job = parseJson<DubJson>(result).jobs[0]!;
    const logs = parseJson<LogsJson>(await runRedub(['jobs', 'logs', job.id, '--data-dir', dataDir, '--json'], env)).logs;
    return { job, logs, subtitles: readFileSync(job.outputs.subtitles!, 'utf8') };
  }

  const messages = (logs: LogsJson['logs'], stage: string) => logs.filter((line) => line.stage === stage).map((line) => line.message);

  it('dubs with no subtitles and no translation: Whisper → Marian → Piper, on the CPU', async () => {
    const { job, logs, subtitles } = await dub([], 'marian');
    expect(job.state).toBe('done');
    const provider = (name: string) => job.stages.find((stage) => stage.name === name)?.executionProvider;
    expect([provider('transcribe'), provider('translate'), provider('synthesize')]).toEqual(['cpu', 'cpu', 'cpu']);
    // Two cues per speech window, in order, with the window's text carried through translation.
    expect(job.cues.length % 2).toBe(0);
    expect(job.cues.length).toBeGreaterThanOrEqual(2);
    expect(subtitles).toContain('Hello world.');
    expect(subtitles).toContain('Good morning.');
    expect(messages(logs, 'transcribe').some((line) => line.includes(tinyPackIds.whisper) && line.includes('in en (detected'))).toBe(true);
    // A Marian pair for the languages is preferred over NLLB.
    expect(messages(logs, 'translate').some((line) => line.includes(`Marian (${tinyPackIds.marian})`) && line.includes('from en to es'))).toBe(true);
    expect(messages(logs, 'synthesize').some((line) => line.includes('Piper'))).toBe(true);
    // The model stages, the speech detector among them, share the model pool's one worker (one
    // warm copy of each model); the other stages run in the CPU pool.
    const workerOf = (stage: string) => /started on worker (\d+)/.exec(messages(logs, stage).join(' '))?.[1];
    expect(workerOf('transcribe')).toBeDefined();
    expect([workerOf('translate'), workerOf('synthesize'), workerOf('fit')]).toEqual([workerOf('transcribe'), workerOf('transcribe'), workerOf('transcribe')]);
    expect(workerOf('vad')).toBe(workerOf('transcribe'));
    expect(workerOf('extract')).not.toBe(workerOf('transcribe'));
    // The detected language becomes the job's source language, as if --from en had been given.
    const shown = parseJson<{ sourceLanguage: string | null }>(await runRedub(['jobs', 'show', job.id, '--data-dir', dataDir, '--json'], env));
    expect(shown.sourceLanguage).toBe('en');
  });

  it('translates with NLLB when asked, and keeps the glossary terms', async () => {
    const glossary = path.join(root, 'glossary.tsv');
    writeFileSync(glossary, '# terms fixed in every translation\nworld\tmundo\n');
    const { job, logs, subtitles } = await dub(['--translator', tinyPackIds.nllb, '--glossary', glossary], 'nllb');
    expect(job.state).toBe('done');
    expect(subtitles).toContain('Hello mundo.');
    expect(subtitles).not.toContain('world');
    expect(messages(logs, 'translate').some((line) => line.includes(`NLLB (${tinyPackIds.nllb})`))).toBe(true);
    // The transcript is shared: the second job reused the first job's transcription.
    expect(job.stages.find((stage) => stage.name === 'transcribe')?.reused).toBe(true);
  });

  it('translates the user\'s subtitles, a sentence over two cues as one, and shares it back out', async () => {
    const subtitles = path.join(root, 'split.en.srt');
    writeFileSync(subtitles, '1\n00:00:00,500 --> 00:00:01,500\nGood morning to the\n\n2\n00:00:01,600 --> 00:00:02,600\nwhole world.\n\n3\n00:00:03,000 --> 00:00:04,000\nHello.\n');
    const { job, logs, subtitles: written } = await dub(['--subtitles', subtitles, '--from', 'en'], 'split');
    expect(job.state).toBe('done');
    expect(job.stages.find((stage) => stage.name === 'transcribe')?.executionProvider).toBeNull();
    // The copy model returns the joined sentence; it is shared out over its two cues by length.
    expect(job.cues.map((cue) => cue.targetText)).toEqual(['Good morning to the', 'whole world.', 'Hello.']);
    expect(written).toContain('Good morning to the');
    expect(messages(logs, 'translate').some((line) => line.includes('1 sentence spanning several cues translated whole'))).toBe(true);

    // A person changes one source line (not its translation): that line alone is translated again.
    const exported = path.join(root, 'split-cues.json');
    expect((await runRedub(['cues', 'export', job.id, '--out', exported, '--data-dir', dataDir, '--json'], env)).code).toBe(0);
    const file = JSON.parse(readFileSync(exported, 'utf8')) as { cues: { sourceText: string }[] };
    file.cues[2]!.sourceText = 'Goodbye.';
    writeFileSync(exported, JSON.stringify(file));
    const imported = await runRedub(['cues', 'import', job.id, exported, '--data-dir', dataDir, '--json'], env);
    expect(imported.code, imported.stdout + imported.stderr).toBe(0);
    expect(parseJson<{ revision: number; cues: { stale: boolean }[] }>(imported)).toMatchObject({ revision: 1, cues: [{ stale: false }, { stale: false }, { stale: true }] });
    const rendered = await runRedub(['render', job.id, '--data-dir', dataDir, '--json'], env);
    expect(rendered.code, rendered.stdout + rendered.stderr).toBe(0);
    const again = parseJson<DubJson>(rendered).jobs[0]!;
    // The copy model "translates" the new source as itself; the other two cues are as they were.
    expect(again.cues.map((cue) => cue.targetText)).toEqual(['Good morning to the', 'whole world.', 'Goodbye.']);
    expect(again.cuesSynthesized).toBe(1);
    const renderLogs = parseJson<LogsJson>(await runRedub(['jobs', 'logs', job.id, '--data-dir', dataDir, '--json'], env)).logs;
    expect(messages(renderLogs, 'edit').some((line) => line.includes('Translated 1 edited source line again'))).toBe(true);
    expect(again.stages.find((stage) => stage.name === 'translate')?.reused).toBe(true);
  });

  it('fails a video without speech with E_NO_SPEECH, once, instead of exporting an empty dub', async () => {
    const silent = path.join(root, 'silent.mp4');
    await runFfmpeg(['-y', '-f', 'lavfi', '-i', 'color=c=blue:s=160x120:d=3', '-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=stereo', '-t', '3', '-c:v', 'libx264', '-c:a', 'aac', silent]);
    const result = await runRedub(['dub', silent, '--to', 'es', '--out', path.join(root, 'out', 'silent'), '--data-dir', dataDir, '--json'], env);
    expect(result.code).toBe(4);
    const job = parseJson<DubJson>(result).jobs[0]!;
    expect(job.state).toBe('failed');
    expect(job.attempts).toBe(1);
    expect(job.error?.code).toBe('E_NO_SPEECH');
    expect(job.error?.action).toContain('--subtitles');
  });

  it('falls back to the CPU, with a warning, when CUDA is preferred and cannot start', async () => {
    const { job, logs } = await dub(['--execution-provider', 'cuda', '--translator', tinyPackIds.nllb, '--from', 'en'], 'cuda');
    expect(job.state).toBe('done');
    const translate = job.stages.find((stage) => stage.name === 'translate');
    expect(translate?.executionProvider).toBe('cpu');
    const warnings = logs.filter((line) => line.level === 'warn').map((line) => line.message);
    expect(warnings.some((line) => line.includes('CUDA could not start') && line.includes(tinyPackIds.whisper))).toBe(true);
    expect(warnings.some((line) => line.includes('CUDA could not start') && line.includes(tinyPackIds.nllb))).toBe(true);
  });

  it('refuses before queuing with E_MODEL_MISSING when no pack translates the pair', async () => {
    const result = await runRedub(['dub', bundledSample.video, '--to', 'de', '--from', 'fr', '--translator', tinyPackIds.marian, '--data-dir', dataDir, '--json'], env);
    expect(result.code).toBe(3);
    expect(parseJson<ErrorJson>(result).error?.code).toBe('E_LANGUAGE_UNSUPPORTED');
    const removed = await runRedub(['models', 'remove', tinyPackIds.nllb, '--data-dir', dataDir, '--json'], env);
    expect(removed.code, removed.stdout + removed.stderr).toBe(0);
    const missing = await runRedub(['dub', bundledSample.video, '--to', 'de', '--data-dir', dataDir, '--json'], env);
    expect(missing.code).toBe(3);
    const error = parseJson<ErrorJson>(missing).error;
    expect(error?.code).toBe('E_MODEL_MISSING');
    expect(error?.message).toContain('into de');
    expect(error?.action).toContain(`redub models install ${tinyPackIds.nllb}`);
  });
});
