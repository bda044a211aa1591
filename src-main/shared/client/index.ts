// `redub/client`: the typed client of Redub's local HTTP API.
export { createRedubClient, buildUploadForm } from './client.js';
export type { CallOptions, HealthReport, JobUpload, RedubClient, RedubClientOptions } from './client.js';
export { RedubApiError, apiErrorFromResponse } from './api-error.js';
export { backoffDelayMs, type BackoffPolicy } from './backoff.js';
export { parseEventMessage, type ClientEvent, type ResyncEvent } from './event-message.js';
export type { ConnectionState, SubscribeOptions, Subscription } from './event-subscription.js';
export { SseParser, type SseMessage } from './sse-parser.js';
export { buildQuery, type FetchFunction } from './request.js';
export { withToken } from './media-url.js';
export type { WaitForJobOptions } from './wait-for-job.js';
export type { ErrorCode, RedubErrorData } from '../errors.js';
export type * from '../contract.js';
export type { JobDetails, JobState, JobSummary } from '../jobs.js';
export type { CueEditsRequest, CuesView } from '../cues.js';
