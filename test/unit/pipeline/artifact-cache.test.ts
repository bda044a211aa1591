import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArtifactCache, hashOf, stableJson } from '../../../src-main/core/pipeline/artifact-cache.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectory('redub-artifacts-');

function makeCache(): ArtifactCache {
  return new ArtifactCache(path.join(temporaryDirectory(), 'artifacts'));
}

describe('ArtifactCache.keyFor', () => {
  it('is the same for equal inputs whatever the order of their object keys, at every depth', () => {
    const a = ArtifactCache.keyFor('extract', 1, { input: 'talk.mp4', options: { rate: 16000, channels: 1 } });
    const b = ArtifactCache.keyFor('extract', 1, { options: { channels: 1, rate: 16000 }, input: 'talk.mp4' });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with the stage name', () => {
    expect(ArtifactCache.keyFor('extract', 1, { input: 'a' })).not.toBe(ArtifactCache.keyFor('vad', 1, { input: 'a' }));
  });

  it('changes with the stage version', () => {
    expect(ArtifactCache.keyFor('extract', 1, { input: 'a' })).not.toBe(ArtifactCache.keyFor('extract', 2, { input: 'a' }));
  });

  it('changes with any input value, nested ones included', () => {
    const base = ArtifactCache.keyFor('fit', 1, { cue: { text: 'Hola', maxSpeed: 1.35 } });
    expect(ArtifactCache.keyFor('fit', 1, { cue: { text: 'Hola.', maxSpeed: 1.35 } })).not.toBe(base);
    expect(ArtifactCache.keyFor('fit', 1, { cue: { text: 'Hola', maxSpeed: 1.4 } })).not.toBe(base);
  });

  it('keeps array order significant', () => {
    expect(ArtifactCache.keyFor('mix', 1, ['a', 'b'])).not.toBe(ArtifactCache.keyFor('mix', 1, ['b', 'a']));
  });
});

describe('stableJson / hashOf', () => {
  it('writes object keys sorted, inside arrays too', () => {
    expect(stableJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
  });

  it('hashes equal values with different key order the same', () => {
    expect(hashOf({ x: 1, y: 2 })).toBe(hashOf({ y: 2, x: 1 }));
    expect(hashOf({ x: 1, y: 2 })).not.toBe(hashOf({ x: 2, y: 1 }));
  });
});

describe('ArtifactCache storage', () => {
  it('has() is false until the artifact is committed, then true', () => {
    const cache = makeCache();
    const key = ArtifactCache.keyFor('extract', 1, { input: 'a' });
    expect(cache.has(key)).toBe(false);
    const temporary = cache.createTemporary(key);
    writeFileSync(path.join(temporary, 'audio.wav'), 'wav bytes');
    expect(cache.has(key)).toBe(false);
    cache.commit(key, temporary, { wav: 'audio.wav' });
    expect(cache.has(key)).toBe(true);
  });

  it('keeps a temporary folder out of the key’s folder until commit', () => {
    const cache = makeCache();
    const key = ArtifactCache.keyFor('extract', 1, { input: 'b' });
    const temporary = cache.createTemporary(key);
    writeFileSync(path.join(temporary, 'audio.wav'), 'wav bytes');
    expect(existsSync(cache.directory(key))).toBe(false);
    expect(path.relative(cache.directory(key), temporary).startsWith('..')).toBe(true);

    const { directory, bytes } = cache.commit(key, temporary, { wav: 'audio.wav' });
    expect(directory).toBe(cache.directory(key));
    expect(existsSync(temporary)).toBe(false);
    expect(readFileSync(path.join(directory, 'audio.wav'), 'utf8')).toBe('wav bytes');
    const manifest = readFileSync(path.join(directory, 'manifest.json'));
    expect(bytes).toBe(Buffer.byteLength('wav bytes') + Buffer.byteLength(JSON.stringify({ wav: 'audio.wav' })) + manifest.length);
  });

  it('discard() removes the temporary folder and publishes nothing', () => {
    const cache = makeCache();
    const key = ArtifactCache.keyFor('extract', 1, { input: 'c' });
    const temporary = cache.createTemporary(key);
    writeFileSync(path.join(temporary, 'partial.wav'), 'half');
    cache.discard(temporary);
    expect(existsSync(temporary)).toBe(false);
    expect(cache.has(key)).toBe(false);
    expect(existsSync(cache.directory(key))).toBe(false);
  });

  it('gives each createTemporary call its own folder, even for the same key', () => {
    const cache = makeCache();
    const key = ArtifactCache.keyFor('extract', 1, { input: 'd' });
    expect(cache.createTemporary(key)).not.toBe(cache.createTemporary(key));
  });

  it('keeps the existing artifact when committing a key that is already there, and removes the new temporary', () => {
    const cache = makeCache();
    const key = ArtifactCache.keyFor('vad', 1, { input: 'e' });
    const first = cache.createTemporary(key);
    writeFileSync(path.join(first, 'regions.json'), 'first');
    cache.commit(key, first, { from: 'first' });

    const second = cache.createTemporary(key);
    writeFileSync(path.join(second, 'regions.json'), 'second');
    const { directory } = cache.commit(key, second, { from: 'second' });

    expect(directory).toBe(cache.directory(key));
    expect(existsSync(second)).toBe(false);
    expect(cache.read(key)).toEqual({ from: 'first' });
    expect(readFileSync(path.join(directory, 'regions.json'), 'utf8')).toBe('first');
  });

  it('read() returns the committed result', () => {
    const cache = makeCache();
    const key = ArtifactCache.keyFor('transcribe', 3, { subtitles: 'hash' });
    const result = { cues: [{ startMs: 0, endMs: 1200, text: 'Hello' }], language: 'en' };
    cache.commit(key, cache.createTemporary(key), result);
    expect(cache.read<typeof result>(key)).toEqual(result);
  });

  it('finds a committed artifact from a second cache opened on the same root', () => {
    const root = path.join(temporaryDirectory(), 'shared');
    const key = ArtifactCache.keyFor('probe', 1, { input: 'f' });
    const writer = new ArtifactCache(root);
    writer.commit(key, writer.createTemporary(key), { durationMs: 2000 });
    const reader = new ArtifactCache(root);
    expect(reader.has(key)).toBe(true);
    expect(reader.read(key)).toEqual({ durationMs: 2000 });
  });

  it('clearAbandonedTemporaries removes the folders of dead owners and keeps those of live ones', () => {
    const root = path.join(temporaryDirectory(), 'owners');
    const dead = new ArtifactCache(root, 'host:1:dead');
    const alive = new ArtifactCache(root, 'host:2:alive');
    const deadFolder = dead.createTemporary(ArtifactCache.keyFor('export', 1, 'x'));
    writeFileSync(path.join(deadFolder, 'dub.mp4'), 'half an mp4');
    const aliveFolder = alive.createTemporary(ArtifactCache.keyFor('export', 1, 'y'));
    const starting = new ArtifactCache(root, 'host:3:new');
    expect(starting.clearAbandonedTemporaries((owner) => owner === 'host:2:alive')).toBe(1);
    expect(existsSync(deadFolder)).toBe(false);
    expect(existsSync(aliveFolder)).toBe(true);
  });

  it('clearAbandonedTemporaries keeps an unowned folder for a few minutes (it may be being made), then removes it', () => {
    const cache = makeCache();
    const folder = path.join(cache.root, 'tmp', 'legacy-folder');
    mkdirSync(folder);
    expect(cache.clearAbandonedTemporaries(() => false)).toBe(0);
    expect(cache.clearAbandonedTemporaries(() => false, Date.now() + 11 * 60_000)).toBe(1);
    expect(existsSync(folder)).toBe(false);
  });

  it('clearAbandonedTemporaries leaves committed artifacts alone', () => {
    const cache = makeCache();
    const key = ArtifactCache.keyFor('extract', 1, 'h');
    cache.commit(key, cache.createTemporary(key), { ok: true });
    cache.clearAbandonedTemporaries(() => false, Date.now() + 24 * 60 * 60_000);
    expect(cache.has(key)).toBe(true);
    expect(readdirSync(path.join(cache.root, 'tmp'))).toEqual([]);
  });

  it('a crash after the files are written but before the rename leaves nothing a later run trusts', () => {
    const root = path.join(temporaryDirectory(), 'crash');
    const key = ArtifactCache.keyFor('mix', 1, 'crash');
    const crashed = new ArtifactCache(root, 'host:4242:gone');
    const temporary = crashed.createTemporary(key);
    writeFileSync(path.join(temporary, 'mix.wav'), 'complete-looking bytes');
    writeFileSync(path.join(temporary, 'result.json'), JSON.stringify({ mixFile: 'mix.wav' }));
    // The process dies here: no commit. A later start:
    const later = new ArtifactCache(root, 'host:1:later');
    expect(later.has(key)).toBe(false);
    expect(later.verify(key)).toEqual({ state: 'missing' });
    later.clearAbandonedTemporaries(() => false);
    expect(readdirSync(path.join(root, 'tmp'))).toEqual([]);
  });
});

describe('ArtifactCache verification', () => {
  function committed(files: Record<string, string>) {
    const cache = makeCache();
    const key = ArtifactCache.keyFor('export', 1, Object.keys(files));
    const temporary = cache.createTemporary(key);
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(temporary, name), text);
    cache.commit(key, temporary, { files: Object.keys(files) });
    return { cache, key, directory: cache.directory(key) };
  }

  it('finds a committed artifact valid, and no owner marker left in it', () => {
    const { cache, key, directory } = committed({ 'dub.mp4': 'x'.repeat(200_000), 'dub.srt': 'text' });
    expect(cache.verify(key)).toEqual({ state: 'valid' });
    expect(readdirSync(directory).sort()).toEqual(['dub.mp4', 'dub.srt', 'manifest.json', 'result.json']);
  });

  it('finds a file cut short damaged', () => {
    const { cache, key, directory } = committed({ 'dub.mp4': 'x'.repeat(200_000) });
    truncateSync(path.join(directory, 'dub.mp4'), 100_000);
    expect(cache.verify(key)).toMatchObject({ state: 'damaged', reason: expect.stringContaining('dub.mp4 is 100000 bytes') });
  });

  it('finds a file of the same size but other content (a second writer) damaged', () => {
    const { cache, key, directory } = committed({ 'dub.mp4': 'a'.repeat(200_000) });
    writeFileSync(path.join(directory, 'dub.mp4'), 'b'.repeat(200_000));
    expect(cache.verify(key)).toMatchObject({ state: 'damaged', reason: expect.stringContaining('does not hold what was written') });
  });

  it('finds a changed result and a missing manifest damaged', () => {
    const first = committed({ 'a.wav': 'a' });
    writeFileSync(path.join(first.directory, 'result.json'), '{"files":["other"]}');
    expect(first.cache.verify(first.key).state).toBe('damaged');
    const second = committed({ 'b.wav': 'b' });
    rmSync(path.join(second.directory, 'manifest.json'));
    expect(second.cache.verify(second.key).state).toBe('damaged');
  });

  it('remove() takes the artifact out of its key at once', () => {
    const { cache, key, directory } = committed({ 'a.wav': 'a' });
    cache.remove(key);
    expect(cache.has(key)).toBe(false);
    expect(existsSync(directory)).toBe(false);
    expect(readdirSync(path.join(cache.root, 'tmp'))).toEqual([]);
  });
});
