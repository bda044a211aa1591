// Reads one event-stream message as an event, checking the fields a listener relies on, so a
// listener never meets half an event (a newer server's unknown event types are skipped).
import type { RedubEvent } from '../contract.js';

/** Every event the stream carries; `resync` comes from the API's streams only, never the service. */
export type ClientEvent = RedubEvent;

/** The server could not replay what was missed since the Last-Event-ID sent: read everything again. */
export type ResyncEvent = Extract<RedubEvent, { type: 'resync' }>;

/**
 * The server sends each event as the data of an unnamed message (`data: {"type":…}`); a named
 * message (`event: job.removed`) whose data is only the event's body is read as well.
 */
export function parseEventMessage(data: string, eventName?: string): ClientEvent | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isObject(parsed)) return null;
  const named = eventName && eventName !== 'message' ? eventName : undefined;
  const candidate = typeof parsed.type === 'string' ? parsed : { ...parsed, type: named };
  const event = candidate as unknown as ClientEvent;
  switch (candidate.type) {
    case 'job.updated':
      return isObject(candidate.job) && typeof candidate.job.id === 'string' ? event : null;
    case 'job.removed':
      return typeof candidate.id === 'string' ? event : null;
    case 'job.log':
      return typeof candidate.jobId === 'string' && isObject(candidate.entry) && typeof candidate.entry.id === 'number' ? event : null;
    case 'job.cues':
      return typeof candidate.jobId === 'string' && Number.isInteger(candidate.revision) ? event : null;
    case 'queue.updated':
      return isObject(candidate.queue) ? event : null;
    case 'model.updated':
      // `pack` comes with a finished task; progress events carry null (an older server may leave it out).
      return isObject(candidate.task) && typeof candidate.task.packId === 'string' && isPackOrNothing(candidate.pack)
        ? ({ ...candidate, pack: candidate.pack ?? null } as unknown as ClientEvent)
        : null;
    case 'model.removed':
      return typeof candidate.id === 'string' && isPackOrNothing(candidate.pack) ? ({ ...candidate, pack: candidate.pack ?? null } as unknown as ClientEvent) : null;
    case 'resync':
      return { type: 'resync', reason: typeof candidate.reason === 'string' ? candidate.reason : 'unknown' };
    default:
      return null;
  }
}

function isPackOrNothing(value: unknown): boolean {
  return value === undefined || value === null || isObject(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
