// The OpenAPI document against a real OpenAPI 3.1 validator, against the routes table the server
// dispatches with (both ways), and against the zod schemas the handlers check requests with: a
// request the server accepts must fit the document, and one it refuses must not.
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { cueEditsRequestSchema } from '../../../src-main/shared/cues.js';
import { createJobsRequestSchema, lipSyncRequestSchema, settingsPatchSchema } from '../../../src-main/shared/contract.js';
import { routes } from '../../../src-main/server/api-routes.js';
import { openApiDocument } from '../../../src-main/server/openapi.js';
import { servedOutsideRoutes } from '../../../src-main/server/openapi-operations.js';

type Operation = { operationId: string; parameters?: { name: string; in: string; schema: Record<string, unknown> }[]; requestBody?: { content: Record<string, { schema: Record<string, unknown> }> }; security?: unknown[]; responses: Record<string, unknown> };
type Document = { openapi: string; info: { version: string }; paths: Record<string, Record<string, Operation>>; components: Record<string, unknown> };

const document = openApiDocument(routes, '9.8.7') as unknown as Document;
const methods = ['get', 'post', 'put', 'patch', 'delete'];

/** Written here rather than imported, so a mistake in the document's own conversion cannot hide. */
const pathOf = (pattern: string[]) => `/${pattern.map((part) => (part.startsWith(':') ? `{${part.slice(1)}}` : part)).join('/')}`;

function operation(path: string, method: string): Operation {
  const found = document.paths[path]?.[method];
  if (!found) throw new Error(`${method.toUpperCase()} ${path} is not in the document`);
  return found;
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(document as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.version).toBe('9.8.7');
  });

  it('describes every route and method the server answers', () => {
    const missing: string[] = [];
    for (const route of routes) {
      for (const method of Object.keys(route.handlers)) {
        if (!document.paths[pathOf(route.pattern)]?.[method.toLowerCase()]) missing.push(`${method} ${pathOf(route.pattern)}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('describes nothing the routes table does not answer, except the endpoints listed as served beside it', () => {
    const answered = new Set(routes.flatMap((route) => Object.keys(route.handlers).map((method) => `${method} ${pathOf(route.pattern)}`)));
    const extra: string[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of Object.keys(item).filter((key) => methods.includes(key))) {
        const key = `${method.toUpperCase()} ${path}`;
        if (!answered.has(key) && !(servedOutsideRoutes as readonly string[]).includes(key)) extra.push(key);
      }
    }
    expect(extra).toEqual([]);
    // The listed ones are described all the same.
    for (const key of servedOutsideRoutes) {
      const [method, path] = key.split(' ') as [string, string];
      expect(operation(path, method.toLowerCase()).operationId).toBeTruthy();
    }
  });

  it('names every path parameter, and gives each operation a unique id', () => {
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(document.paths)) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      for (const [method, spec] of Object.entries(item)) {
        const declared = (spec.parameters ?? []).filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name);
        expect(declared.sort(), `${method} ${path}`).toEqual([...names].sort());
        expect(ids.has(spec.operationId), spec.operationId).toBe(false);
        ids.add(spec.operationId);
      }
    }
  });

  it('asks for the token exactly as the routes do: none on open routes, ?token= only where the route allows it', () => {
    for (const route of routes) {
      for (const method of Object.keys(route.handlers)) {
        const security = operation(pathOf(route.pattern), method.toLowerCase()).security;
        if (route.open) expect(security, pathOf(route.pattern)).toEqual([]);
        else if (route.queryToken) expect(security).toEqual([{ bearer: [] }, { queryToken: [] }]);
        else expect(security).toEqual([{ bearer: [] }]);
      }
    }
    expect(operation('/openapi.json', 'get').security).toEqual([]);
  });

  describe('request bodies, generated from the schemas the handlers check', () => {
    const ajv = new Ajv2020({ strict: false });
    const bodyValidator = (path: string, method: string, type = 'application/json') => {
      const schema = operation(path, method).requestBody!.content[type]!.schema;
      return ajv.compile(schema);
    };

    const cases = [
      {
        name: 'POST /jobs',
        check: bodyValidator('/jobs', 'post'),
        zod: createJobsRequestSchema.strict(),
        good: [
          { input: '/videos/talk.mp4', to: ['de', 'fr'] },
          { input: '/v.mp4', to: ['es'], glossary: [{ source: 'Redub', target: 'Redub' }], priority: 5, executionProvider: 'cpu' },
          { input: '/v.mp4', to: ['es'], lipsync: { segments: [{ id: 'a', startMs: 0, endMs: 500, audio: { refId: 'narrator' } }] }, audio: { narrator: '/a/voice.wav', 'Take-2_b': '/a/take.wav' } },
        ],
        bad: [
          { input: '/v.mp4' }, { input: '/v.mp4', to: [] }, { input: '/v.mp4', to: ['de'], priority: 1000 }, { input: '/v.mp4', to: ['de'], colour: 'red' }, { input: '/v.mp4', to: ['de'], executionProvider: 'tpu' },
          { input: '/v.mp4', to: ['de'], audio: { 'two words': '/a.wav' } }, { input: '/v.mp4', to: ['de'], audio: { narrator: '' } },
        ],
      },
      {
        name: 'PUT /jobs/{id}/lipsync',
        check: bodyValidator('/jobs/{id}/lipsync', 'put'),
        zod: lipSyncRequestSchema.strict(),
        good: [{ segments: [] }, { segments: [{ id: 'a', startMs: 0, endMs: 500, audio: { refId: 'dub', cropStartMs: 0, cropEndMs: 500 }, fit: true }] }],
        bad: [{}, { segments: [{ id: 'a', startMs: -1, endMs: 500, audio: { refId: 'dub' } }] }, { segments: [{ id: 'a', startMs: 0, endMs: 500 }] }, { segments: [], more: 1 }],
      },
      {
        name: 'PATCH /settings',
        check: bodyValidator('/settings', 'patch'),
        zod: settingsPatchSchema.strict(),
        good: [{}, { cpuWorkers: 4 }, { theme: 'dark', maxSpeed: 1.5 }],
        bad: [{ cpuWorkers: 0 }, { cpuWorkers: 2.5 }, { theme: 'pink' }, { cpuWorker: 4 }],
      },
      {
        name: 'PATCH /jobs/{id}/cues',
        check: bodyValidator('/jobs/{id}/cues', 'patch'),
        zod: cueEditsRequestSchema.strict(),
        good: [{ revision: 0, edits: [{ op: 'update', index: 2, targetText: 'Hallo' }] }, { revision: 3, edits: [{ op: 'split', id: 'b3', atMs: 1500 }, { op: 'revert', revision: 1 }] }],
        bad: [{ revision: 0, edits: [] }, { revision: -1, edits: [{ op: 'merge', index: 0 }] }, { revision: 0, edits: [{ op: 'explode' }] }, { revision: 0, edits: [{ op: 'insert', startMs: 0, endMs: 10 }] }],
      },
    ];

    for (const { name, check, zod, good, bad } of cases) {
      it(`${name}: accepts what the server accepts and refuses what it refuses`, () => {
        for (const body of good) {
          expect(zod.safeParse(body).success, JSON.stringify(body)).toBe(true);
          expect(check(body), `${JSON.stringify(body)}: ${JSON.stringify(check.errors)}`).toBe(true);
        }
        for (const body of bad) {
          expect(zod.safeParse(body).success, JSON.stringify(body)).toBe(false);
          expect(check(body), JSON.stringify(body)).toBe(false);
        }
      });
    }

    it('POST /jobs also takes a multipart upload', () => {
      const form = operation('/jobs', 'post').requestBody!.content['multipart/form-data']!.schema as { required: string[]; properties: Record<string, unknown>; patternProperties: Record<string, unknown> };
      expect(form.required).toEqual(['video', 'to']);
      expect(form.properties.video).toMatchObject({ type: 'string', format: 'binary' });
      expect(form.properties.audio).toMatchObject({ type: 'array', items: { type: 'string', format: 'binary' } });
      expect(form.properties.lipsync).toMatchObject({ type: 'string' });
      expect(form.patternProperties['^audio\\..+$']).toMatchObject({ type: 'string', format: 'binary' });
    });

    it('GET /jobs/{id}/audio/{refId} takes the refId as the contract checks it', () => {
      const refId = operation('/jobs/{id}/audio/{refId}', 'get').parameters!.find((parameter) => parameter.name === 'refId')!;
      expect(refId).toMatchObject({ in: 'path', schema: { type: 'string', pattern: expect.any(String) } });
      expect(new RegExp(refId.schema.pattern as string).test('narrator')).toBe(true);
      expect(new RegExp(refId.schema.pattern as string).test('two words')).toBe(false);
    });
  });

  it('takes query parameters from the contract\'s schemas, under the names the handlers read', () => {
    const list = operation('/jobs', 'get').parameters!;
    expect(list.map((parameter) => parameter.name)).toEqual(['state', 'search', 'limit', 'offset']);
    expect(list.find((parameter) => parameter.name === 'limit')!.schema).toEqual({ type: 'integer', minimum: 1, maximum: 1000, default: 100 });
    const waveform = operation('/jobs/{id}/waveform', 'get').parameters!.map((parameter) => parameter.name);
    expect(waveform).toEqual(['id', 'track', 'start', 'end', 'pixels']);
  });

  it('gives every operation a reply and errors the API\'s error shape', () => {
    const components = document.components as { responses: Record<string, { content: Record<string, { schema: unknown }> }>; schemas: Record<string, { properties?: Record<string, unknown> }> };
    for (const item of Object.values(document.paths)) {
      for (const spec of Object.values(item)) expect(Object.keys(spec.responses).some((status) => /^[12]/.test(status)), spec.operationId).toBe(true);
    }
    expect(Object.keys(components.schemas.Error!.properties!)).toEqual(['code', 'message', 'action', 'details', 'violations']);
    expect(components.responses.Error401!.content['application/json']!.schema).toEqual({ $ref: '#/components/schemas/ErrorReply' });
  });
});
