// The pipeline stages of a job: state, progress, whether a cached result was reused, how long it
// took and on which execution provider (CPU, CUDA, …) it ran. The core lists every stage of its
// pipeline in order, those it has not reached yet as pending, so the table reads top to bottom.
import type { StageRecord } from '../../../src-main/shared/jobs.js';
import { formatStageDuration } from '../../common/format.js';
import { stageStateLabels } from '../../common/job-labels.js';
import { ProgressBar } from '../../common/progress-bar.js';

/** A finished stage is full and a pending one empty, whatever an earlier attempt left behind. */
function stageProgress(stage: StageRecord): number {
  if (stage.state === 'done' || stage.state === 'skipped') return 100;
  return stage.state === 'pending' ? 0 : stage.progress;
}

export function StageTable({ stages }: { stages: readonly StageRecord[] }) {
  return (
    <table className="stage-table" data-testid="stage-table">
      <caption className="visually-hidden">Stages</caption>
      <thead>
        <tr>
          <th scope="col">Stage</th>
          <th scope="col">State</th>
          <th scope="col">Progress</th>
          <th scope="col">Time</th>
          <th scope="col">Runs on</th>
        </tr>
      </thead>
      <tbody>
        {stages.map((stage) => {
          const name = stage.name;
          return (
            <tr key={name} data-testid="stage-row" data-stage={name} data-state={stage.state}>
              <th scope="row">{name}</th>
              <td>
                <span className={`stage-state stage-state--${stage.state}`}>{stageStateLabels[stage.state]}</span>
                {stage.reused ? <span className="tag" title="The cached result of an earlier run was used">reused</span> : null}
                {stage.attempts > 1 ? <span className="tag">attempt {stage.attempts}</span> : null}
              </td>
              <td>
                <ProgressBar value={stageProgress(stage)} label={`${name} progress`} tone={stage.state === 'failed' ? 'failed' : stage.state === 'done' ? 'done' : stage.state === 'skipped' ? 'muted' : 'normal'} />
              </td>
              <td>{formatStageDuration(stage.ms)}</td>
              <td>{stage.executionProvider ?? '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
