// Reads a Server-Sent Events stream as the WHATWG HTML standard's "event stream interpretation"
// does, chunk by chunk: a line may end in CR, LF or CRLF and may be split anywhere between two
// chunks (even between the CR and the LF), `id:` sets the last event id, `:` lines are comments.

export interface SseMessage {
  /** The `event:` field; 'message' when there is none. */
  event: string;
  data: string;
  /** The last event id as of this message (an `id:` in it, or the one before). */
  lastEventId: string | null;
}

export class SseParser {
  private buffer = '';
  private skipLineFeed = false;
  private started = false;
  private data: string[] = [];
  private event = '';
  private pendingId: string | null;
  /** The id to send back as Last-Event-ID: the last `id:` seen, whether or not its message had data. */
  lastEventId: string | null;
  /** The server's `retry:` hint in ms, when it sent one. */
  retryMs: number | null = null;
  comments = 0;

  constructor(lastEventId: string | null = null) {
    this.lastEventId = lastEventId;
    this.pendingId = lastEventId;
  }

  /** Feeds decoded text; returns the messages it completed. */
  push(text: string): SseMessage[] {
    let chunk = text;
    if (!this.started && chunk.length > 0) {
      this.started = true;
      if (chunk.startsWith('\uFEFF')) chunk = chunk.slice(1);
    }
    if (this.skipLineFeed && chunk.startsWith('\n')) chunk = chunk.slice(1);
    this.skipLineFeed = false;
    this.buffer += chunk;
    const messages: SseMessage[] = [];
    let start = 0;
    for (let index = 0; index < this.buffer.length; index += 1) {
      const character = this.buffer[index];
      if (character !== '\n' && character !== '\r') continue;
      const line = this.buffer.slice(start, index);
      if (character === '\r') {
        if (index + 1 < this.buffer.length) {
          if (this.buffer[index + 1] === '\n') index += 1;
        } else {
          this.skipLineFeed = true; // the LF of this CRLF may start the next chunk
        }
      }
      start = index + 1;
      const message = this.line(line);
      if (message) messages.push(message);
    }
    this.buffer = this.buffer.slice(start);
    return messages;
  }

  private line(line: string): SseMessage | null {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) {
      this.comments += 1;
      return null;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.pendingId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
    return null;
  }

  private dispatch(): SseMessage | null {
    this.lastEventId = this.pendingId;
    const data = this.data;
    const event = this.event;
    this.data = [];
    this.event = '';
    if (data.length === 0) return null;
    return { event: event || 'message', data: data.join('\n'), lastEventId: this.lastEventId };
  }
}
