// How a job reads on a terminal. With --json the CLI prints the contract's JobDetails as they are
// (the same shape the API's GET /jobs/{id} answers), so scripts see one shape everywhere.
import type { JobDetails } from '../shared/jobs.js';
import { formatTimestamp } from '../shared/time.js';
import { formatDuration } from './output.js';

export function describeJob(job: JobDetails): string {
  const lines = [`Job ${job.id} (${job.language}): ${job.state}, ${Math.round(job.progress)}%`, `  input: ${job.input}`];
  for (const stage of job.stages) {
    const how = stage.reused ? 'reused' : stage.state;
    lines.push(`  ${stage.name.padEnd(11)} ${how.padEnd(8)} ${formatDuration(stage.ms).padStart(10)}${stage.executionProvider ? `  on ${stage.executionProvider}` : ''}`);
  }
  const fitted = job.cues.filter((cue) => cue.speedFactor !== null);
  if (fitted.length > 0) {
    const spedUp = fitted.filter((cue) => cue.speedFactor! > 1);
    const fastest = Math.max(...fitted.map((cue) => cue.speedFactor!));
    lines.push(`  cues:      ${fitted.length}, ${spedUp.length} sped up (fastest ${fastest.toFixed(2)}×)`);
    for (const cue of job.cues.filter((candidate) => candidate.flag === 'overflow')) {
      lines.push(`  ! cue ${cue.index + 1} at ${formatTimestamp(cue.startMs)} is too long for its slot even at ${cue.speedFactor}×; shorten it: "${cue.targetText}"`);
    }
  }
  const { segments, audio } = job.lipsync;
  if (segments.length > 0 || audio.length > 0) {
    const added = audio.length > 0 ? `; added audio ${audio.map((ref) => `${ref.id} (${ref.name}, ${formatTimestamp(ref.durationMs)})`).join(', ')}` : '';
    lines.push(`  lip-sync:  ${segments.length} segment${segments.length === 1 ? '' : 's'}${added}`);
  }
  if (job.outputs.video) lines.push(`  video:     ${job.outputs.video}`);
  if (job.outputs.subtitles) lines.push(`  subtitles: ${job.outputs.subtitles}`);
  if (job.outputs.webVtt) lines.push(`  webvtt:    ${job.outputs.webVtt}`);
  if (job.outputs.ass) lines.push(`  ass:       ${job.outputs.ass}`);
  if (job.outputs.dubStem) lines.push(`  dub stem:  ${job.outputs.dubStem}`);
  if (job.outputs.vocalsStem) lines.push(`  vocals:    ${job.outputs.vocalsStem}`);
  if (job.outputs.backgroundStem) lines.push(`  background: ${job.outputs.backgroundStem}`);
  for (const warning of job.warnings) lines.push(`  warning: ${warning}`);
  if (job.error) lines.push(`  error: ${job.error.code}: ${job.error.message} ${job.error.action}`);
  return lines.join('\n');
}
