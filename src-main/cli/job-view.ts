// The shape a job takes in the CLI's --json output and its human summary.
import type { JobRow, JobStore } from '../core/queue/job-store.js';
import { formatTimestamp } from '../shared/time.js';
import { formatDuration } from './output.js';

export function jobView(store: JobStore, job: JobRow) {
  const stages = store.stages(job.id);
  return {
    id: job.id,
    input: job.inputPath,
    language: job.language,
    /** Named with --from, or detected by Whisper; null until known. */
    sourceLanguage: job.sourceLanguage,
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
    cues: store.cues(job.id).map((cue) => ({
      index: cue.index,
      startMs: cue.startMs,
      endMs: cue.endMs,
      text: cue.targetText,
      speedFactor: cue.speedFactor,
      flag: cue.flag,
    })),
    error: job.error,
  };
}

export function describeJob(view: ReturnType<typeof jobView>): string {
  const lines = [`Job ${view.id} (${view.language}): ${view.state}, ${view.progress}%`, `  input: ${view.input}`];
  for (const stage of view.stages) {
    const how = stage.reused ? 'reused' : stage.state;
    lines.push(`  ${stage.name.padEnd(11)} ${how.padEnd(8)} ${formatDuration(stage.ms).padStart(10)}${stage.executionProvider ? `  on ${stage.executionProvider}` : ''}`);
  }
  const fitted = view.cues.filter((cue) => cue.speedFactor !== null);
  if (fitted.length > 0) {
    const spedUp = fitted.filter((cue) => cue.speedFactor! > 1);
    const fastest = Math.max(...fitted.map((cue) => cue.speedFactor!));
    lines.push(`  cues:      ${fitted.length}, ${spedUp.length} sped up (fastest ${fastest.toFixed(2)}×)`);
    for (const cue of view.cues.filter((candidate) => candidate.flag === 'overflow')) {
      lines.push(`  ! cue ${cue.index + 1} at ${formatTimestamp(cue.startMs)} is too long for its slot even at ${cue.speedFactor}×; shorten it: "${cue.text}"`);
    }
  }
  if (view.outputs.video) lines.push(`  video:     ${view.outputs.video}`);
  if (view.outputs.subtitles) lines.push(`  subtitles: ${view.outputs.subtitles}`);
  if (view.outputs.dubStem) lines.push(`  dub stem:  ${view.outputs.dubStem}`);
  if (view.error) lines.push(`  error: ${view.error.code}: ${view.error.message} ${view.error.action}`);
  return lines.join('\n');
}
