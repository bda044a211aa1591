// SPEC §1 "GPU when present, CPU always", end to end: a dub records where its speech detection
// ran, and a job that asks for CUDA on a machine without its libraries falls back to the CPU
// with a warning in its log, and still finishes.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectExecutionProviders } from '../../src-main/core/models/execution-providers.js';
import { parseJson, runRedub, sampleDubArguments, type DubJson } from '../helpers/cli.js';
import { useTemporaryDirectory } from '../helpers/temporary-directory.js';

interface LogsJson {
  logs: { level: string; stage: string | null; message: string }[];
}

const cudaAvailable = detectExecutionProviders().find((provider) => provider.name === 'cuda')!.available;

describe('redub dub --execution-provider', { timeout: 180_000 }, () => {
  const temporary = useTemporaryDirectory();

  it("records 'cpu' for speech detection under the default 'auto'", async () => {
    const result = await runRedub(sampleDubArguments(path.join(temporary(), 'data'), path.join(temporary(), 'out')));
    expect(result.code, result.stderr).toBe(0);
    const job = parseJson<DubJson>(result).jobs[0]!;
    expect(job.stages.find((stage) => stage.name === 'vad')?.executionProvider).toBe('cpu');
  });

  it.skipIf(cudaAvailable)('falls back from CUDA to the CPU with a warning in the job log, and the job finishes', async () => {
    const dataDir = path.join(temporary(), 'data');
    const result = await runRedub([...sampleDubArguments(dataDir, path.join(temporary(), 'out')), '--execution-provider', 'cuda']);
    expect(result.code, result.stderr).toBe(0);
    const job = parseJson<DubJson>(result).jobs[0]!;
    expect(job.state).toBe('done');
    expect(job.stages.find((stage) => stage.name === 'vad')?.executionProvider).toBe('cpu');
    const logs = parseJson<LogsJson>(await runRedub(['jobs', 'logs', job.id, '--data-dir', dataDir, '--json'])).logs;
    const fallback = logs.filter((line) => line.level === 'warn' && /^CUDA could not start \(.+\); running on the CPU instead\.$/.test(line.message));
    expect(fallback).toHaveLength(1);
    expect(fallback[0]!.stage).toBe('vad');
  });

  it('rejects a provider it does not know, naming the choices', async () => {
    const result = await runRedub([...sampleDubArguments(path.join(temporary(), 'data'), path.join(temporary(), 'out')), '--execution-provider', 'tpu']);
    expect(result.code).toBe(2);
    expect(parseJson<DubJson>(result).error?.message).toContain('auto, cpu, cuda, directml, coreml');
  });
});
