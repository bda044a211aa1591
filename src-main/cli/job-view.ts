// The shape a job takes in the CLI's --json output and its human summary.
import type { JobRow, JobStore } from '../core/queue/job-store.js';
import { formatDuration } from './output.js';

export function jobView(store: JobStore, job: JobRow) {
  const stages = store.stages(job.id);
  return {
    id: job.id,
    input: job.inputPath,
    language: job.language,
    state: job.state,
    progress: Math.round(job.progress),
    attempts: job.attempts,
    outputs: job.outputs,
    stages: stages.map((stage) => ({
      name: stage.name,
      state: stage.state,
      reused: stage.reused,
      ms: stage.ms,
      executionProvider: stage.executionProvider,
    })),
    cuesSynthesized: store.jobStats(job.id).cuesSynthesized ?? 0,
    error: job.error,
  };
}

export function describeJob(view: ReturnType<typeof jobView>): string {
  const lines = [`Job ${view.id} (${view.language}): ${view.state}, ${view.progress}%`, `  input: ${view.input}`];
  for (const stage of view.stages) {
    const how = stage.reused ? 'reused' : stage.state;
    lines.push(`  ${stage.name.padEnd(11)} ${how.padEnd(8)} ${formatDuration(stage.ms).padStart(10)}${stage.executionProvider ? `  on ${stage.executionProvider}` : ''}`);
  }
  if (view.outputs.video) lines.push(`  video:     ${view.outputs.video}`);
  if (view.outputs.subtitles) lines.push(`  subtitles: ${view.outputs.subtitles}`);
  if (view.outputs.dubStem) lines.push(`  dub stem:  ${view.outputs.dubStem}`);
  if (view.error) lines.push(`  error: ${view.error.code}: ${view.error.message} ${view.error.action}`);
  return lines.join('\n');
}
