import { describe, expect, it } from 'vitest';
import { parseEventMessage } from '../../../src-main/shared/client/index.js';
import { jobSummary } from '../../helpers/job-fixtures.js';

describe('parseEventMessage', () => {
  it('reads an unnamed message carrying the whole event', () => {
    const job = jobSummary();
    expect(parseEventMessage(JSON.stringify({ type: 'job.updated', job }))).toEqual({ type: 'job.updated', job });
    expect(parseEventMessage(JSON.stringify({ type: 'job.updated', job }), 'message')).toEqual({ type: 'job.updated', job });
  });

  it('reads a named event whose data is only the body', () => {
    expect(parseEventMessage(JSON.stringify({ id: 'x' }), 'job.removed')).toEqual({ type: 'job.removed', id: 'x' });
  });

  it('ignores what is not JSON or not a known, complete event', () => {
    expect(parseEventMessage('not json')).toBeNull();
    expect(parseEventMessage('7')).toBeNull();
    expect(parseEventMessage(JSON.stringify({ type: 'job.updated' }))).toBeNull();
    expect(parseEventMessage(JSON.stringify({ type: 'job.exploded', id: 'x' }))).toBeNull();
  });

  it('reads resync with its reason', () => {
    expect(parseEventMessage(JSON.stringify({ type: 'resync', reason: 'The server restarted.' }))).toEqual({ type: 'resync', reason: 'The server restarted.' });
    expect(parseEventMessage(JSON.stringify({ type: 'resync' }))).toEqual({ type: 'resync', reason: 'unknown' });
  });

  it('reads model.updated, unnamed or named, with or without the pack', () => {
    const task = { packId: 'piper-de', state: 'running', bytesDone: 10, bytesTotal: null, file: 'voice.onnx', error: null };
    const pack = { id: 'piper-de', installed: true };
    expect(parseEventMessage(JSON.stringify({ type: 'model.updated', task, pack: null }))).toEqual({ type: 'model.updated', task, pack: null });
    expect(parseEventMessage(JSON.stringify({ task, pack }), 'model.updated')).toEqual({ type: 'model.updated', task, pack });
    expect(parseEventMessage(JSON.stringify({ task }), 'model.updated')).toEqual({ type: 'model.updated', task, pack: null });
    expect(parseEventMessage(JSON.stringify({ type: 'model.updated', task: { state: 'running' }, pack: null }))).toBeNull();
    expect(parseEventMessage(JSON.stringify({ type: 'model.updated', task, pack: 'x' }))).toBeNull();
  });

  it('reads job.cues and refuses one without a whole revision', () => {
    expect(parseEventMessage(JSON.stringify({ type: 'job.cues', jobId: 'a', revision: 3 }))).toEqual({ type: 'job.cues', jobId: 'a', revision: 3 });
    expect(parseEventMessage(JSON.stringify({ jobId: 'a', revision: 4 }), 'job.cues')).toEqual({ type: 'job.cues', jobId: 'a', revision: 4 });
    expect(parseEventMessage(JSON.stringify({ type: 'job.cues', jobId: 'a', revision: '3' }))).toBeNull();
  });

  it('reads model.removed, with the uninstalled pack or without one', () => {
    const pack = { id: 'piper-de', installed: false };
    expect(parseEventMessage(JSON.stringify({ type: 'model.removed', id: 'piper-de', pack }))).toEqual({ type: 'model.removed', id: 'piper-de', pack });
    expect(parseEventMessage(JSON.stringify({ id: 'piper-de' }), 'model.removed')).toEqual({ type: 'model.removed', id: 'piper-de', pack: null });
    expect(parseEventMessage(JSON.stringify({ type: 'model.removed', pack }))).toBeNull();
  });
});
