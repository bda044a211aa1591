// The queue page: new jobs on top, then the filters and the virtualised list of every job.
import { FilterBar } from './filter-bar.js';
import { JobList } from './job-list.js';
import { NewJobForm } from './new-job-form.js';
import { QueueControls } from './queue-controls.js';
import './queue.css';

export function QueuePage() {
  return (
    <div className="queue-page">
      <NewJobForm />
      <div className="queue-page__toolbar">
        <FilterBar />
        <QueueControls />
      </div>
      <JobList />
    </div>
  );
}
