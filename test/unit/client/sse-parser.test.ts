import { describe, expect, it } from 'vitest';
import { SseParser, type SseMessage } from '../../../src-main/shared/client/index.js';

const stream = 'retry: 2000\n: connected\n\nid: b1:1\ndata: {"type":"job.removed","id":"a"}\n\n: heartbeat\n\nid: b1:2\ndata: {"type":"job.removed","id":"é"}\n\n';

/** Feeds the text cut at the given places and collects the messages. */
function feed(text: string, cuts: number[], lastEventId: string | null = null): { messages: SseMessage[]; parser: SseParser } {
  const parser = new SseParser(lastEventId);
  const messages: SseMessage[] = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    messages.push(...parser.push(text.slice(from, cut)));
    from = cut;
  }
  return { messages, parser };
}

describe('SseParser', () => {
  it('reads ids, data, comments and the retry hint', () => {
    const { messages, parser } = feed(stream, []);
    expect(messages).toEqual([
      { event: 'message', data: '{"type":"job.removed","id":"a"}', lastEventId: 'b1:1' },
      { event: 'message', data: '{"type":"job.removed","id":"é"}', lastEventId: 'b1:2' },
    ]);
    expect(parser.lastEventId).toBe('b1:2');
    expect(parser.retryMs).toBe(2000);
    expect(parser.comments).toBe(2);
  });

  it('gives the same messages however the stream is cut into chunks', () => {
    const whole = feed(stream, []).messages;
    for (let cut = 1; cut < stream.length; cut += 1) expect(feed(stream, [cut]).messages, `cut at ${cut}`).toEqual(whole);
    expect(feed(stream, Array.from({ length: stream.length - 1 }, (_, index) => index + 1)).messages).toEqual(whole);
  });

  it('accepts CRLF and lone CR line ends, also with the CR and LF in different chunks', () => {
    const crlf = 'id: 7\r\ndata: one\r\n\r\ndata: two\r\rdata: three\n\n';
    const expected = [
      { event: 'message', data: 'one', lastEventId: '7' },
      { event: 'message', data: 'two', lastEventId: '7' },
      { event: 'message', data: 'three', lastEventId: '7' },
    ];
    expect(feed(crlf, []).messages).toEqual(expected);
    for (let cut = 1; cut < crlf.length; cut += 1) expect(feed(crlf, [cut]).messages, `cut at ${cut}`).toEqual(expected);
  });

  it('joins several data lines with newlines, keeps the event name, and strips one leading space only', () => {
    const { messages } = feed('event: job.removed\ndata:  two spaces\ndata:none\ndata\n\n', []);
    expect(messages).toEqual([{ event: 'job.removed', data: ' two spaces\nnone\n', lastEventId: null }]);
  });

  it('moves the last event id on an id-only message and ignores an id with a NUL', () => {
    const { messages, parser } = feed('id: a:5\n\nid: bad\0id\ndata: x\n\n', [], 'a:1');
    expect(messages).toEqual([{ event: 'message', data: 'x', lastEventId: 'a:5' }]);
    expect(parser.lastEventId).toBe('a:5');
  });

  it('keeps the id it resumed from until the stream names another, and drops a leading BOM', () => {
    const { messages } = feed('\uFEFFdata: x\n\n', [], 'b:9');
    expect(messages).toEqual([{ event: 'message', data: 'x', lastEventId: 'b:9' }]);
  });

  it('dispatches nothing for a message left unfinished', () => {
    expect(feed('data: half', []).messages).toEqual([]);
  });
});
