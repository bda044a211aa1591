// The tar reader that imports model packs: ustar and pax names, data split across odd-sized
// chunks, and the archives it must refuse (traversal, absolute paths, damage, truncation).
import { describe, expect, it } from 'vitest';
import { checkEntryPath, readTar, type TarEntry } from '../../../src-main/core/models/tar-reader.js';
import { rejectionOf, thrownCode } from '../../helpers/errors.js';
import { makeTar, type TarInput } from '../../integration/models/model-fixtures.js';

async function* chunks(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < data.length; offset += size) yield data.subarray(offset, offset + size);
}

async function readAll(archive: Buffer, chunkSize = 4096, consume = true) {
  const entries: (TarEntry & { content: string })[] = [];
  await readTar(chunks(archive, chunkSize), async (entry, content) => {
    const parts: Buffer[] = [];
    if (consume) for await (const part of content) parts.push(part);
    entries.push({ ...entry, content: Buffer.concat(parts).toString() });
  });
  return entries;
}

const sample: TarInput[] = [
  { path: 'pack/', type: '5' },
  { path: 'pack/a.txt', content: Buffer.from('alpha') },
  { path: 'pack/empty.bin', content: Buffer.alloc(0) },
  { path: `pack/${'long-folder-name/'.repeat(8)}b.txt`, content: Buffer.from('b'.repeat(1500)) },
  { path: 'pack/link', type: '2' },
];

describe('readTar', () => {
  it.each([1, 7, 512, 100_000])('reads files, folders, empty files and pax long names in chunks of %i bytes', async (size) => {
    const entries = await readAll(makeTar(sample), size);
    expect(entries.map(({ path, type, size: bytes }) => [path, type, bytes])).toEqual([
      ['pack', 'directory', 0],
      ['pack/a.txt', 'file', 5],
      ['pack/empty.bin', 'file', 0],
      [`pack/${'long-folder-name/'.repeat(8)}b.txt`, 'file', 1500],
      ['pack/link', 'other', 0],
    ]);
    expect(entries[1]!.content).toBe('alpha');
    expect(entries[3]!.content).toBe('b'.repeat(1500));
  });

  it('skips content a handler does not read, and stays in step with the next header', async () => {
    const entries = await readAll(makeTar(sample), 333, false);
    expect(entries.map((entry) => entry.path)).toEqual(['pack', 'pack/a.txt', 'pack/empty.bin', `pack/${'long-folder-name/'.repeat(8)}b.txt`, 'pack/link']);
  });

  it.each(['../evil.txt', 'pack/../../evil.txt', '/etc/passwd', 'C:/Windows/evil.dll', 'pack\\..\\evil.txt'])('rejects the unsafe entry %s before its handler runs', async (name) => {
    let handled = 0;
    const error = await rejectionOf(
      readTar(chunks(makeTar([{ path: 'ok.txt', content: Buffer.from('fine') }, { path: name, content: Buffer.from('x') }]), 512), async () => {
        handled++;
      }),
    );
    expect(error.code).toBe('E_MODEL_IMPORT_FAILED');
    expect(error.message).toContain(name);
    expect(handled).toBe(1);
  });

  it('rejects a damaged header and a truncated archive', async () => {
    const damaged = makeTar(sample);
    damaged[10] = damaged[10]! ^ 0xff;
    expect((await rejectionOf(readAll(damaged))).message).toMatch(/checksum/);
    const truncated = makeTar(sample).subarray(0, 512 * 4 + 100);
    expect((await rejectionOf(readAll(truncated))).message).toMatch(/truncated/);
  });

  it('ends at the first zero block, or the end of the stream', async () => {
    expect(await readAll(Buffer.alloc(0))).toEqual([]);
    expect(await readAll(Buffer.alloc(1024))).toEqual([]);
  });
});

describe('checkEntryPath', () => {
  it('normalizes ./ prefixes and trailing slashes', () => {
    expect(checkEntryPath('./pack/a.txt')).toBe('pack/a.txt');
    expect(checkEntryPath('pack/')).toBe('pack');
    expect(checkEntryPath('./')).toBe('');
  });

  it('throws E_MODEL_IMPORT_FAILED for traversal', () => {
    expect(thrownCode(() => checkEntryPath('a/../../b'))).toBe('E_MODEL_IMPORT_FAILED');
    expect(thrownCode(() => checkEntryPath('a/..'))).toBe('E_MODEL_IMPORT_FAILED');
    expect(thrownCode(() => checkEntryPath('a/..b'))).toBe('none');
  });
});
