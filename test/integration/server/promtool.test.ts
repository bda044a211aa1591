// Prometheus' own linter on what GET /api/v1/metrics serves, after a real job has run so the stage
// histogram has series: `promtool check metrics` reads the exposition on stdin and names every
// problem (a counter without _total, a missing HELP, a unit out of place, a malformed line).
// promtool is not part of npm: Debian ships it in the prometheus package (.ci/run extracts it).
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSummary } from '../../../src-main/shared/jobs.js';
import { workerEntryPath } from '../../../src-main/core/package-root.js';
import { bundledSample } from '../../helpers/cli.js';
import { openEvents, send, startHarness, statesOf, type EventStream, type Harness } from './server-harness.js';

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** REDUB_PROMTOOL when set, else the first promtool on PATH. */
function findPromtool(): string | null {
  if (process.env.REDUB_PROMTOOL) return isExecutable(process.env.REDUB_PROMTOOL) ? process.env.REDUB_PROMTOOL : null;
  for (const folder of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(folder, process.platform === 'win32' ? 'promtool.exe' : 'promtool');
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

const promtool = findPromtool();
const promtoolMissingReason = promtool
  ? null
  : process.env.REDUB_PROMTOOL
    ? `REDUB_PROMTOOL names no executable file (${process.env.REDUB_PROMTOOL})`
    : 'promtool is not installed (apt-get install prometheus, or set REDUB_PROMTOOL to the binary)';

function checkMetrics(tool: string, exposition: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end(exposition);
  });
}

describe.skipIf(promtool === null)(`/metrics under promtool${promtoolMissingReason ? ` (skipped: ${promtoolMissingReason})` : ''}`, () => {
  let root: string;
  let harness: Harness;
  let stream: EventStream;

  beforeAll(async () => {
    expect(existsSync(workerEntryPath()), 'The worker bundle is missing; run `npm run build:node` first.').toBe(true);
    root = mkdtempSync(path.join(tmpdir(), 'redub-promtool-'));
    harness = await startHarness(root);
    stream = await openEvents(harness.port, `/api/v1/events?token=${harness.token}`);
  });

  afterAll(async () => {
    stream?.close();
    await harness?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('finds nothing to fix before any job ran', async () => {
    const reply = await send(harness.port, { path: '/api/v1/metrics', headers: harness.auth });
    expect(reply.status).toBe(200);
    const checked = await checkMetrics(promtool!, reply.text);
    expect(checked, reply.text).toEqual({ code: 0, output: '' });
  });

  it('finds nothing to fix once a job has filled the stage histogram', async () => {
    const created = await send(harness.port, {
      method: 'POST', path: '/api/v1/jobs', headers: { ...harness.auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ input: bundledSample.video, to: ['es'], subtitles: bundledSample.sourceSubtitles, translations: { es: bundledSample.targetSubtitles }, outDir: path.join(root, 'out') }),
    });
    expect(created.status, created.text).toBe(201);
    const job = created.json<{ jobs: JobSummary[] }>().jobs[0]!;
    await stream.waitFor((events) => statesOf(events, job.id).includes('done'));

    const reply = await send(harness.port, { path: '/api/v1/metrics', headers: harness.auth });
    // The histogram has series, so promtool sees buckets, sums and counts, not only the headers.
    expect(reply.text).toMatch(/^redub_stage_duration_seconds_count\{[^}]*\} [1-9]/m);
    const checked = await checkMetrics(promtool!, reply.text);
    expect(checked, reply.text).toEqual({ code: 0, output: '' });
  });

  it('is a check that can fail: promtool flags a counter without _total', async () => {
    const checked = await checkMetrics(promtool!, '# HELP redub_bad Jobs.\n# TYPE redub_bad counter\nredub_bad 1\n');
    expect(checked.code).not.toBe(0);
    expect(checked.output).toMatch(/_total/);
  });
});
