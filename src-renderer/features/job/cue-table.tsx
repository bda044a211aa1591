// The job's cues after fitting: each line's slot, its text, the speed it was spoken at and whether
// it overflowed its slot even at the speed bound (SPEC §1: flagged for the user, never chipmunked).
import type { CueRecord } from '../../../src-main/shared/jobs.js';
import { formatCueTime, formatSpeedFactor } from '../../common/format.js';

export function CueTable({ cues }: { cues: readonly CueRecord[] }) {
  const overflowing = cues.filter((cue) => cue.flag === 'overflow').length;
  return (
    <section className="cue-section" aria-labelledby="cue-heading">
      <h3 id="cue-heading">
        Cues <span className="muted">({cues.length}{overflowing > 0 ? `, ${overflowing} too long for their slot` : ''})</span>
      </h3>
      {/* A tab stop, so the table can be scrolled with the keyboard when it is taller than its box. */}
      <div className="cue-table__scroll" tabIndex={0} role="region" aria-labelledby="cue-heading">
        <table className="cue-table" data-testid="cue-table">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Time</th>
              <th scope="col">Original</th>
              <th scope="col">Translation</th>
              <th scope="col">Speed</th>
              <th scope="col">Fit</th>
            </tr>
          </thead>
          <tbody>
            {cues.map((cue) => (
              <tr key={cue.index} data-testid="cue-row" className={cue.flag === 'overflow' ? 'cue-row--overflow' : undefined}>
                <td>{cue.index}</td>
                <td className="nowrap">
                  {formatCueTime(cue.startMs)} – {formatCueTime(cue.endMs)}
                </td>
                <td>{cue.sourceText}</td>
                <td>{cue.targetText}</td>
                <td className="nowrap">{formatSpeedFactor(cue.speedFactor)}</td>
                <td>{cue.flag === 'overflow' ? <span className="tag tag--warning" title="Too long for its slot even at the speed bound">overflow</span> : 'fits'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
