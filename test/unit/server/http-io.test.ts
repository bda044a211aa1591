// Which status each error gets, and that an error leaves as {error: {...}} without internals:
// a client's mistake is never a 500, an unexpected error never shows its message or stack.
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { RedubError, errorDefinitions, type ErrorCode } from '../../../src-main/shared/errors.js';
import { sendError, statusForError } from '../../../src-main/server/http-io.js';

const codes = Object.keys(errorDefinitions) as ErrorCode[];

function capture() {
  const reply = { status: 0, headers: {} as Record<string, unknown>, body: '' };
  const res = {
    headersSent: false,
    writeHead(status: number, headers: Record<string, unknown>) {
      reply.status = status;
      reply.headers = headers;
    },
    end(text: string) {
      reply.body = text;
    },
    destroy() {},
  };
  return { reply, res: res as unknown as ServerResponse };
}

describe('statusForError', () => {
  it.each(codes.filter((code) => ['usage', 'input', 'cancelled'].includes(errorDefinitions[code].kind)))('gives the client error %s a 4xx status', (code) => {
    const status = statusForError(new RedubError(code).toData());
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
  });

  it('names the statuses the API documents', () => {
    const status = (code: ErrorCode) => statusForError(new RedubError(code).toData());
    expect(status('E_BAD_REQUEST')).toBe(400);
    expect(status('E_UNAUTHORIZED')).toBe(401);
    expect(status('E_FORBIDDEN_PATH')).toBe(403);
    expect(status('E_ROUTE_NOT_FOUND')).toBe(404);
    expect(status('E_JOB_NOT_FOUND')).toBe(404);
    expect(status('E_METHOD_NOT_ALLOWED')).toBe(405);
    expect(status('E_JOB_STATE')).toBe(409);
    expect(status('E_NOT_READY')).toBe(409);
    expect(status('E_UPLOAD_TOO_LARGE')).toBe(413);
    expect(status('E_NOT_MEDIA')).toBe(422);
    expect(status('E_INTERNAL')).toBe(500);
  });
});

describe('sendError', () => {
  it('sends a RedubError as {error: {code, message, action, details}}', () => {
    const { reply, res } = capture();
    sendError(res, new RedubError('E_BAD_REQUEST', { details: ['to: Name at least one target language.'] }));
    expect(reply.status).toBe(400);
    expect(reply.headers['Content-Type']).toMatch(/^application\/json/);
    expect(JSON.parse(reply.body)).toEqual({
      error: { code: 'E_BAD_REQUEST', message: errorDefinitions.E_BAD_REQUEST.message, action: errorDefinitions.E_BAD_REQUEST.action, details: ['to: Name at least one target language.'] },
    });
  });

  it('sends an unexpected error as E_INTERNAL with neither its message nor its stack, and reports it', () => {
    const { reply, res } = capture();
    const reported: unknown[] = [];
    const error = new TypeError('secret /home/user/path exploded');
    sendError(res, error, (value) => reported.push(value));
    expect(reply.status).toBe(500);
    const body = JSON.parse(reply.body) as { error: Record<string, unknown> };
    expect(body.error.code).toBe('E_INTERNAL');
    expect(reply.body).not.toContain('secret');
    expect(reply.body).not.toContain('at ');
    expect(body.error).not.toHaveProperty('stack');
    expect(reported).toEqual([error]);
  });
});
