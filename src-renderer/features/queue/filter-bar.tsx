// The queue's filters: one chip per state (several may be on at once; none means all) with how
// many jobs are in it, and a search over file names, languages, ids and error codes.
import { useMemo } from 'react';
import { jobStates } from '../../../src-main/shared/jobs.js';
import { jobStateLabels } from '../../common/job-labels.js';
import { countJobsByState } from '../../stores/jobs-reducers.js';
import { useJobsStore } from '../../stores/jobs-store.js';

export function FilterBar() {
  const byId = useJobsStore((state) => state.byId);
  const filter = useJobsStore((state) => state.filter);
  const toggleStateFilter = useJobsStore((state) => state.toggleStateFilter);
  const clearStateFilter = useJobsStore((state) => state.clearStateFilter);
  const setSearch = useJobsStore((state) => state.setSearch);
  const counts = useMemo(() => countJobsByState(byId), [byId]);
  const total = useMemo(() => Object.keys(byId).length, [byId]);

  return (
    <div className="filter-bar">
      <div className="filter-bar__chips" role="group" aria-label="Filter by state">
        <button type="button" className="chip" data-testid="filter-all" aria-pressed={filter.states.length === 0} onClick={clearStateFilter}>
          All <span className="chip__count">{total}</span>
        </button>
        {jobStates.map((state) => (
          <button key={state} type="button" className={`chip chip--${state}`} data-testid={`filter-${state}`} aria-pressed={filter.states.includes(state)} onClick={() => toggleStateFilter(state)}>
            {jobStateLabels[state]} <span className="chip__count">{counts[state]}</span>
          </button>
        ))}
      </div>
      <input
        type="search"
        className="filter-bar__search"
        data-testid="search"
        aria-label="Search jobs"
        placeholder="Search by file, language, id or error code"
        value={filter.search}
        onChange={(event) => setSearch(event.target.value)}
      />
    </div>
  );
}
