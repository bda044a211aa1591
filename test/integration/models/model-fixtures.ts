// Test fixtures for the model manager: a tiny tar writer (ustar + pax long names), a local HTTP
// server on 127.0.0.1 that can drop connections, ignore ranges or answer 404, and pack builders.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { CatalogPack } from '../../../src-main/core/models/catalog.js';

export interface TarInput {
  path: string;
  content?: Buffer;
  /** '0' file (default), '5' folder, '2' symbolic link. */
  type?: '0' | '5' | '2';
}

function header(name: string, size: number, type: string): Buffer {
  const block = Buffer.alloc(512);
  const field = (value: string, offset: number, length: number) => block.write(value, offset, length, 'utf8');
  const number = (value: number, offset: number, length: number) => field(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length);
  field(name, 0, 100);
  number(0o644, 100, 8);
  number(0, 108, 8);
  number(0, 116, 8);
  number(size, 124, 12);
  number(1_700_000_000, 136, 12);
  block.fill(0x20, 148, 156);
  field(type, 156, 1);
  field('ustar\0', 257, 6);
  field('00', 263, 2);
  let sum = 0;
  for (const byte of block) sum += byte;
  field(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return block;
}

function padded(data: Buffer): Buffer {
  return Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

/** A pax record's length counts its own digits, so it is found by trying. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = body.length + 1;
  while (`${length}${body}`.length !== length) length++;
  return `${length}${body}`;
}

export function makeTar(entries: TarInput[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const content = entry.content ?? Buffer.alloc(0);
    let name = entry.path;
    if (Buffer.byteLength(name) > 100) {
      const pax = Buffer.from(paxRecord('path', name));
      blocks.push(header('PaxHeader/long', pax.length, 'x'), padded(pax));
      name = name.slice(0, 99);
    }
    blocks.push(header(name, entry.type === '0' || entry.type === undefined ? content.length : 0, entry.type ?? '0'));
    if (entry.type === '0' || entry.type === undefined) blocks.push(padded(content));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

export function makeTarGz(entries: TarInput[]): Buffer {
  return gzipSync(makeTar(entries));
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface ServedRequest {
  path: string;
  range: string | undefined;
  status: number;
}

export interface FileServerOptions {
  /** Close the socket after this many body bytes, on the first full request for each file. */
  dropAfter?: number;
  /** Answer every request 200 with the whole file, as servers without range support do. */
  ignoreRange?: boolean;
  /** Send this many body bytes, then go silent with the connection open (first full request per file). */
  stallAfter?: number;
}

export interface FileServer {
  url: string;
  requests: ServedRequest[];
  close(): Promise<void>;
}

export async function startFileServer(files: Record<string, Buffer>, options: FileServerOptions = {}): Promise<FileServer> {
  const requests: ServedRequest[] = [];
  const dropped = new Set<string>();
  const server: Server = createServer((request, response) => {
    const urlPath = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const data = files[urlPath];
    const headers: IncomingHttpHeaders = request.headers;
    const record = (status: number) => requests.push({ path: urlPath, range: headers.range, status });
    if (!data) {
      record(404);
      response.writeHead(404).end('not found');
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(headers.range ?? '');
    if (range && !options.ignoreRange) {
      const start = Number(range[1]);
      if (start >= data.length) {
        record(416);
        response.writeHead(416, { 'content-range': `bytes */${data.length}` }).end();
        return;
      }
      record(206);
      response.writeHead(206, { 'content-length': data.length - start, 'content-range': `bytes ${start}-${data.length - 1}/${data.length}`, 'accept-ranges': 'bytes' });
      response.end(data.subarray(start));
      return;
    }
    record(200);
    response.writeHead(200, { 'content-length': data.length, ...(options.ignoreRange ? {} : { 'accept-ranges': 'bytes' }) });
    if (options.stallAfter !== undefined && !dropped.has(urlPath) && options.stallAfter < data.length) {
      dropped.add(urlPath);
      response.write(data.subarray(0, options.stallAfter));
      return;
    }
    if (options.dropAfter !== undefined && !dropped.has(urlPath) && options.dropAfter < data.length) {
      dropped.add(urlPath);
      // Send part of the body, then cut the connection as a flaky network would.
      response.write(data.subarray(0, options.dropAfter), () => setTimeout(() => response.socket?.destroy(), 20));
      return;
    }
    response.end(data);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface TestPackFiles {
  pack: CatalogPack;
  contents: Record<string, Buffer>;
}

/** A pack of two files (one under a sub-folder) with sizes and checksums, served from `baseUrl`. */
export function makeTestPack(baseUrl: string, id = 'test-pack', sizes: [number, number] = [300_000, 1_200_000]): TestPackFiles {
  const contents: Record<string, Buffer> = { 'config.json': randomBytes(sizes[0]), 'onnx/model.onnx': randomBytes(sizes[1]) };
  const pack: CatalogPack = {
    id,
    kind: 'asr',
    name: 'Test pack',
    languages: ['en'],
    engine: 'test',
    license: 'MIT',
    sourceUrl: 'https://example.invalid/test-pack',
    minMemoryMb: 1,
    files: Object.entries(contents).map(([path, data]) => ({ path, url: `${baseUrl}/${id}/${path}`, size: data.length, sha256: sha256(data) })),
  };
  return { pack, contents };
}

/** The URL paths a file server needs to serve a test pack. */
export function servedFiles({ pack, contents }: TestPackFiles): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(contents).map(([path, data]) => [`/${pack.id}/${path}`, data]));
}
