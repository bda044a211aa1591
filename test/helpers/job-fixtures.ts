// Job summaries for tests (renderer, notifications): a complete, valid summary with only what a test cares
// about overridden.
import type { JobSummary } from '../../src-main/shared/jobs.js';

let counter = 0;

export function jobSummary(overrides: Partial<JobSummary> = {}): JobSummary {
  counter += 1;
  const id = overrides.id ?? `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
  return {
    id,
    input: '/videos/talk.mp4',
    language: 'es',
    sourceLanguage: 'en',
    state: 'queued',
    priority: 0,
    progress: 0,
    attempts: 0,
    maxAttempts: 3,
    createdAt: '2025-01-01T10:00:00.000Z',
    updatedAt: '2025-01-01T10:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    etaMs: null,
    error: null,
    outputs: {},
    ...overrides,
  };
}
