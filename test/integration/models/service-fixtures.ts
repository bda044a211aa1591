// Fixtures for the model manager behind RedubService and the HTTP API: a test catalog file whose
// packs a local file server serves (one pack whose file is missing there, for failed downloads),
// a fetch that trickles bodies so an install lasts long enough to report progress, and a folder
// holding a pack's files for imports.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeTestPack, servedFiles, startFileServer, type FileServer, type FileServerOptions, type TestPackFiles } from './model-fixtures.js';

export interface ServedCatalog {
  server: FileServer;
  /** The catalog file to pass as modelCatalog (or REDUB_MODEL_CATALOG). */
  catalog: string;
  /** "test-pack": two files, 1.5 MB, served. */
  test: TestPackFiles;
  /** "gone-pack": its files are not on the server, so its download fails with HTTP 404. */
  gone: TestPackFiles;
}

export async function serveCatalog(folder: string, options: FileServerOptions = {}): Promise<ServedCatalog> {
  const files: Record<string, Buffer> = {};
  const server = await startFileServer(files, options);
  const test = makeTestPack(server.url, 'test-pack');
  const gone = makeTestPack(server.url, 'gone-pack', [1000, 2000]);
  Object.assign(files, servedFiles(test));
  const catalog = path.join(folder, 'catalog.json');
  mkdirSync(folder, { recursive: true });
  writeFileSync(catalog, JSON.stringify({ version: 1, packs: [test.pack, { ...gone.pack, notes: 'Never served.' }] }));
  return { server, catalog, test, gone };
}

/** Writes a pack's files into a folder, as someone would carry them to an offline machine. */
export function writePackFolder(folder: string, { contents }: TestPackFiles): string {
  for (const [file, data] of Object.entries(contents)) {
    mkdirSync(path.dirname(path.join(folder, file)), { recursive: true });
    writeFileSync(path.join(folder, file), data);
  }
  return folder;
}

/** A fetch whose response bodies arrive in pieces of `pieceBytes`, each after `delayMs`. */
export function tricklingFetch(pieceBytes = 16 * 1024, delayMs = 10): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (!response.body) return response;
    const reader = response.body.getReader();
    let pending: Uint8Array = new Uint8Array(0);
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (pending.length === 0) {
          const { done, value } = await reader.read();
          if (done) {
            controller.close();
            return;
          }
          pending = value;
        }
        await sleep(delayMs);
        controller.enqueue(pending.subarray(0, pieceBytes));
        pending = pending.subarray(pieceBytes);
      },
      cancel: (reason) => reader.cancel(reason),
    });
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}
