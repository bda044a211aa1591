import { describe, expect, it } from 'vitest';
import { createRedubClient } from '../../../src-main/shared/client/index.js';
import { json, scriptedFetch } from './fake-fetch.js';

const id = '3f2b8c1e-8f4a-4a5e-9b1c-2d3e4f5a6b7c';

function clientWith(body: unknown = {}, status = 200, token: string | null = 'to ken') {
  const { fetch, sent } = scriptedFetch([], () => json(body, status));
  return { client: createRedubClient({ baseUrl: 'http://127.0.0.1:8383/', token, fetch }), sent };
}

describe('createRedubClient', () => {
  it('maps the timeline, render, stats and job endpoints to their paths and verbs', async () => {
    const { client, sent } = clientWith();
    await client.getCues(id);
    await client.editCues(id, { revision: 3, edits: [{ op: 'delete', id: 'b2' }] });
    await client.renderJob(id);
    await client.getWaveform(id, { track: 'dub', startMs: 0, endMs: 60_000, pixels: 1200 });
    await client.getStats({ windowHours: 6 });
    await client.getStats();
    await client.getLogs(id, { afterId: 4, limit: 10 });
    await client.listJobs({ states: ['failed'], search: 'talk' });
    expect(sent.map((request) => `${request.init.method} ${request.url}`)).toEqual([
      `GET http://127.0.0.1:8383/api/v1/jobs/${id}/cues`,
      `PATCH http://127.0.0.1:8383/api/v1/jobs/${id}/cues`,
      `POST http://127.0.0.1:8383/api/v1/jobs/${id}/render`,
      `GET http://127.0.0.1:8383/api/v1/jobs/${id}/waveform?track=dub&start=0&end=60000&pixels=1200`,
      'GET http://127.0.0.1:8383/api/v1/stats?windowHours=6',
      'GET http://127.0.0.1:8383/api/v1/stats',
      `GET http://127.0.0.1:8383/api/v1/jobs/${id}/logs?afterId=4&limit=10`,
      'GET http://127.0.0.1:8383/api/v1/jobs?state=failed&search=talk',
    ]);
    expect(JSON.parse(String(sent[1]!.init.body))).toEqual({ revision: 3, edits: [{ op: 'delete', id: 'b2' }] });
    for (const request of sent) expect(request.headers.Authorization).toBe('Bearer to ken');
  });

  it('makes download and media URLs on its base, with the token a link or <video> cannot send as a header', () => {
    const { client } = clientWith();
    expect(client.downloadUrl(id)).toBe(`http://127.0.0.1:8383/api/v1/jobs/${id}/download?token=to%20ken`);
    expect(client.mediaUrl(id, 'mix')).toBe(`http://127.0.0.1:8383/api/v1/jobs/${id}/media/mix?token=to%20ken`);
    const { client: open } = clientWith({}, 200, null);
    expect(open.downloadUrl('a/b')).toBe('http://127.0.0.1:8383/api/v1/jobs/a%2Fb/download');
  });

  it('turns the preview’s paths into URLs on its base, the added audio files’ too', async () => {
    const { client } = clientWith({ original: `/api/v1/jobs/${id}/media/original`, dub: null, mix: `/api/v1/jobs/${id}/media/mix`, audio: { narrator: `/api/v1/jobs/${id}/audio/narrator` } });
    await expect(client.previewSources(id)).resolves.toEqual({
      original: `http://127.0.0.1:8383/api/v1/jobs/${id}/media/original?token=to%20ken`,
      dub: null,
      mix: `http://127.0.0.1:8383/api/v1/jobs/${id}/media/mix?token=to%20ken`,
      audio: { narrator: `http://127.0.0.1:8383/api/v1/jobs/${id}/audio/narrator?token=to%20ken` },
    });
    // A core from before lip-sync sends no `audio`: the job has no added files.
    const { client: older } = clientWith({ original: '/o', dub: null, mix: null });
    await expect(older.previewSources(id)).resolves.toMatchObject({ audio: {} });
  });

  it('replaces a job\'s lip-sync segments with PUT and makes added audio URLs with the token', async () => {
    const { client, sent } = clientWith({});
    const segments = [{ id: 'a', startMs: 0, endMs: 500, audio: { refId: 'narrator' } }];
    await client.replaceLipSync(id, { segments });
    expect(`${sent[0]!.init.method} ${sent[0]!.url}`).toBe(`PUT http://127.0.0.1:8383/api/v1/jobs/${id}/lipsync`);
    expect(JSON.parse(String(sent[0]!.init.body))).toEqual({ segments });
    expect(client.audioUrl(id, 'narrator')).toBe(`http://127.0.0.1:8383/api/v1/jobs/${id}/audio/narrator?token=to%20ken`);
  });

  it('keeps an error\'s lip-sync violations', async () => {
    const violations = [{ segmentId: 'a', rule: 'no-overlap', message: 'Segment "a" overlaps.' }];
    const { client } = clientWith({ error: { code: 'E_LIPSYNC_INVALID', message: 'A lip-sync segment breaks a rule.', action: 'Fix it.', details: ['x'], violations: [...violations, { rule: 3 }] } }, 422);
    await expect(client.replaceLipSync(id, { segments: [] })).rejects.toMatchObject({ code: 'E_LIPSYNC_INVALID', status: 422, violations });
  });

  it('uploads lip-sync segments and audio files as their parts', async () => {
    const { client, sent } = clientWith({ jobs: [], audio: [] }, 201);
    const segments = [{ id: 'a', startMs: 0, endMs: 500, audio: { refId: 'narrator' } }];
    await client.uploadJobs({ video: new File(['v'], 'talk.mp4'), to: ['es'], lipsync: { segments }, audio: { narrator: new File(['a'], 'voice.wav'), music: new Blob(['m']) } });
    const form = sent[0]!.init.body as FormData;
    const names: string[] = [];
    form.forEach((_value, name) => names.push(name));
    expect(names).toEqual(['to', 'lipsync', 'audio.narrator', 'audio.music', 'video']);
    expect(JSON.parse(String(form.get('lipsync')))).toEqual({ segments });
    expect((form.get('audio.narrator') as File).name).toBe('voice.wav');
  });

  it('uploads as multipart with the small fields first and the video last', async () => {
    const { client, sent } = clientWith({ jobs: [] }, 201);
    await client.uploadJobs({ video: new File(['v'], 'talk.mp4'), to: ['es', 'fr'], subtitlesShown: false, subtitles: new Blob(['s']), translations: { es: new File(['t'], 'talk.es.srt') } });
    const form = sent[0]!.init.body as FormData;
    const names: string[] = [];
    form.forEach((_value, name) => names.push(name));
    expect(names).toEqual(['to', 'subtitlesShown', 'subtitles', 'translation.es', 'video']);
    expect(form.get('subtitlesShown')).toBe('false');
    expect((form.get('subtitles') as File).name).toBe('subtitles.srt'); // a bare Blob gets a name
    expect(sent[0]!.headers).not.toHaveProperty('Content-Type');
  });
});
