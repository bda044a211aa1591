// The Piper engine in a dub, end to end: a data folder where the tiny Piper voice is imported as a
// pack of a test catalog (REDUB_MODEL_CATALOG); `redub dub` then speaks with it, and
// `--voice es=espeak` still speaks with eSpeak NG. The job log names the engine and the voice.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogPack } from '../../src-main/core/models/catalog.js';
import { tinyPiperConfig, tinyVoiceName, writeTinyPiperVoice } from '../fixtures/onnx/tiny-piper.js';
import { parseJson, runRedub, sampleDubArguments, type DubJson } from '../helpers/cli.js';

interface LogsJson {
  logs: { level: string; stage: string | null; message: string }[];
}

// The tiny voice phonemizes with eSpeak's "es", so its pack speaks the sample's target language.
const language = tinyPiperConfig().espeak.voice;

describe('redub dub with an installed Piper voice', { timeout: 180_000 }, () => {
  // One folder for the whole file: the imported voice must outlive each test.
  const root = mkdtempSync(path.join(tmpdir(), 'redub-dub-piper-'));
  let env: NodeJS.ProcessEnv;
  let dataDir: string;

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  beforeAll(async () => {
    const voice = writeTinyPiperVoice(path.join(root, 'voice'));
    const pack: CatalogPack = {
      id: 'tiny-piper',
      kind: 'tts',
      name: 'Tiny Piper voice',
      languages: [language],
      engine: 'piper',
      license: 'MIT',
      sourceUrl: 'https://example.invalid/tiny-piper',
      minMemoryMb: 1,
      files: [`${voice.name}.onnx`, `${voice.name}.onnx.json`].map((file) => ({ path: file, url: `https://example.invalid/tiny-piper/${file}` })),
    };
    const catalog = path.join(root, 'catalog.json');
    writeFileSync(catalog, JSON.stringify({ version: 1, packs: [pack] }));
    env = { REDUB_MODEL_CATALOG: catalog };
    dataDir = path.join(root, 'data');
    const imported = await runRedub(['models', 'import', 'tiny-piper', voice.dir, '--data-dir', dataDir, '--json'], env);
    expect(imported.code, imported.stdout + imported.stderr).toBe(0);
  });

  async function dub(extra: string[]): Promise<{ job: DubJson['jobs'][number]; logs: LogsJson['logs'] }> {
    const args = sampleDubArguments(dataDir, path.join(root, 'out'));
    expect(args[args.indexOf('--to') + 1]).toBe(language);
    const result = await runRedub([...args, ...extra], env);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const job = parseJson<DubJson>(result).jobs[0]!;
    const logs = parseJson<LogsJson>(await runRedub(['jobs', 'logs', job.id, '--data-dir', dataDir, '--json'], env)).logs;
    return { job, logs };
  }

  it('speaks with the Piper voice on the CPU and names it in the job log', async () => {
    const { job, logs } = await dub([]);
    expect(job.state).toBe('done');
    expect(job.cuesSynthesized).toBe(4);
    expect(job.stages.find((stage) => stage.name === 'synthesize')?.executionProvider).toBe('cpu');
    const synthesize = logs.filter((line) => line.stage === 'synthesize').map((line) => line.message);
    expect(synthesize.some((message) => message.includes('Piper') && message.includes(tinyVoiceName))).toBe(true);
    expect(synthesize.some((message) => message.includes('eSpeak'))).toBe(false);
  });

  it('speaks with eSpeak NG under --voice es=espeak, a job of its own', async () => {
    const { job, logs } = await dub(['--voice', `${language}=espeak`]);
    expect(job.state).toBe('done');
    expect(job.cuesSynthesized).toBe(4);
    expect(job.stages.find((stage) => stage.name === 'synthesize')?.executionProvider).toBe('cpu');
    const synthesize = logs.filter((line) => line.stage === 'synthesize').map((line) => line.message);
    expect(synthesize.some((message) => message.includes('eSpeak NG voice'))).toBe(true);
    expect(synthesize.some((message) => message.includes(tinyVoiceName))).toBe(false);
  });
});
