// Loads a job's details (stages, cues) and keeps them fresh: the summary in the jobs store moves
// with every event, and the details are fetched again when it changes, at most once a second,
// since a running job sends progress far more often than a person can read a stage table.
import { useEffect, useRef, useState } from 'react';
import type { RedubErrorData } from '../../../src-main/shared/errors.js';
import type { JobDetails, JobSummary } from '../../../src-main/shared/jobs.js';
import { api, toApiError } from '../../bridge/index.js';
import { useJobsStore } from '../../stores/jobs-store.js';

const refreshIntervalMs = 1000;

export interface JobDetailsState {
  /** The newest summary joined to the last fetched stages and cues. */
  job: JobDetails | null;
  summary: JobSummary | undefined;
  error: RedubErrorData | null;
  loading: boolean;
}

export function useJobDetails(id: string): JobDetailsState {
  const summary = useJobsStore((state) => state.byId[id]);
  const [details, setDetails] = useState<JobDetails | null>(null);
  const [error, setError] = useState<RedubErrorData | null>(null);
  const request = useRef(0);
  const lastFetch = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const fetchDetails = (jobId: string) => {
    const ticket = ++request.current; // a slow reply must not overwrite a newer one
    lastFetch.current = Date.now();
    api
      .getJob(jobId)
      .then((loaded) => {
        if (ticket !== request.current) return;
        setDetails(loaded);
        setError(null);
      })
      .catch((caught: unknown) => {
        if (ticket === request.current) setError(toApiError(caught).data);
      });
  };

  useEffect(() => {
    setDetails(null);
    setError(null);
    fetchDetails(id);
    return () => {
      request.current += 1;
      if (timer.current !== null) clearTimeout(timer.current);
      timer.current = null;
    };
  }, [id]);

  const updatedAt = summary?.updatedAt;
  const state = summary?.state;
  useEffect(() => {
    // Nothing to do before the first reply (it is on its way) or when the details are current.
    if (!updatedAt || !details || details.updatedAt === updatedAt || timer.current !== null) return;
    // A state change is worth showing at once; progress can wait for the next tick.
    const wait = details.state !== state ? 0 : Math.max(0, lastFetch.current + refreshIntervalMs - Date.now());
    timer.current = setTimeout(() => {
      timer.current = null;
      fetchDetails(id);
    }, wait);
  }, [updatedAt, state, details]);

  let job: JobDetailsState['job'] = null;
  if (details) {
    const newest = summary && Date.parse(summary.updatedAt) >= Date.parse(details.updatedAt) ? summary : details;
    job = newest === details ? details : { ...details, ...newest };
  }
  return { job, summary, error, loading: details === null && error === null };
}
