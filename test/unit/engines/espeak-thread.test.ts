import { buildSync } from 'esbuild';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { EspeakModule, type SpeakRequest } from '../../../src-main/core/engines/tts/espeak-module.js';
import { EspeakSynthesizer, runEspeakInThread } from '../../../src-main/core/engines/tts/espeak-synthesizer.js';
import { EspeakThread } from '../../../src-main/core/engines/tts/espeak-thread-engine.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

const here = path.dirname(fileURLToPath(import.meta.url));
// Under the repository so the bundle resolves the eSpeak NG package from its node_modules.
const threadBundle = path.resolve(here, '../../.generated/espeak-thread.mjs');
const directory = useTemporaryDirectory('redub-espeak-thread-');

beforeAll(() => {
  buildSync({
    entryPoints: [path.resolve(here, '../../../src-main/core/engines/tts/espeak-thread.ts')], outfile: threadBundle, bundle: true,
    platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning',
  });
});

/** A stand-in thread: says it is ready with one Spanish voice, then does what `onMessage` says. */
function fakeThread(onMessage: string): string {
  const file = path.join(directory(), `fake-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(
    file,
    `import { parentPort } from 'node:worker_threads';
     import { existsSync, readFileSync, writeFileSync } from 'node:fs';
     parentPort.postMessage({ type: 'ready', voices: [{ identifier: 'roa/es', name: 'Spanish', languages: [{ name: 'es', priority: 5 }] }], sampleRate: 22050 });
     parentPort.on('message', (request) => { ${onMessage} });`,
  );
  return file;
}

const spanish: SpeakRequest = { identifier: 'roa/es', text: 'Cada frase se dice otra vez en el nuevo idioma.', wordsPerMinute: 175, pitch: 50 };
const fastEnglish: SpeakRequest = { identifier: 'gmw/en', text: 'a &lt; b, said twice as fast.', wordsPerMinute: 350, pitch: 50 };

function sameSamples(left: Int16Array, right: Int16Array): boolean {
  return Buffer.compare(Buffer.from(left.buffer, left.byteOffset, left.byteLength), Buffer.from(right.buffer, right.byteOffset, right.byteLength)) === 0;
}

describe('eSpeak NG in a thread of its own', () => {
  it('speaks and phonemizes exactly as in the caller’s thread: the same line gives the same samples in any order', async () => {
    const thread = await EspeakThread.start(threadBundle);
    const local = await EspeakModule.load();
    try {
      expect(thread.voices).toEqual(local.voices);
      expect(thread.sampleRate).toBe(local.sampleRate);
      const calls = [spanish, spanish, fastEnglish];
      const inThread: Int16Array[] = [];
      for (const request of calls) inThread.push(await thread.speak(request));
      // In another order: each line is spoken from a fresh start, so order changes nothing.
      const here: Int16Array[] = [];
      for (const request of [fastEnglish, spanish, spanish]) here.push(await local.speak(request));
      here.reverse();
      expect(here[0]!.length).toBeGreaterThan(10_000);
      for (const [index, samples] of inThread.entries()) expect(sameSamples(samples, here[index]!), `call ${index + 1}`).toBe(true);
      expect(await thread.phonemize('roa/es', 'Hola, mundo.')).toEqual(await local.phonemize('roa/es', 'Hola, mundo.'));
      await expect(thread.speak({ ...spanish, identifier: 'nope/zz' })).rejects.toThrow(/could not speak with the voice nope\/zz .*does not exist/);
      // A refused call leaves the thread serving.
      expect(thread.stopped).toBe(false);
      expect((await thread.speak(fastEnglish)).length).toBeGreaterThan(0);
    } finally {
      thread.stop('The test is over.');
    }
  });

  it('stops a thread that gives no answer in time: the call fails, and so does every later one', async () => {
    const thread = await EspeakThread.start(fakeThread(''), { callMs: () => 200 });
    await expect(thread.speak(spanish)).rejects.toThrow('eSpeak NG gave no answer within 0.2 s and was stopped.');
    expect(thread.stopped).toBe(true);
    await expect(thread.phonemize('roa/es', 'hola')).rejects.toThrow('no answer within 0.2 s');
  });

  it('fails the calls in flight when the thread dies', async () => {
    const thread = await EspeakThread.start(fakeThread('process.exit(3);'));
    await expect(thread.speak(spanish)).rejects.toThrow('ended (exit code 3)');
    expect(thread.stopped).toBe(true);
  });

  it('does not start when the engine cannot load there, or the thread never says it is ready', async () => {
    const unavailable = path.join(directory(), 'unavailable.mjs');
    writeFileSync(unavailable, `import { parentPort } from 'node:worker_threads'; parentPort.postMessage({ type: 'unavailable', message: 'no data file' }); setInterval(() => {}, 1000);`);
    await expect(EspeakThread.start(unavailable)).rejects.toThrow('no data file');
    const silent = path.join(directory(), 'silent.mjs');
    writeFileSync(silent, 'setInterval(() => {}, 1000);');
    await expect(EspeakThread.start(silent, { loadMs: 200 })).rejects.toThrow('did not load within 0.2 s');
  });

  it('lets the synthesizer start a fresh thread after its thread died, with the same speech', async () => {
    // The first thread dies on its first call; the one started after it answers with a tone.
    const counter = path.join(directory(), 'starts');
    runEspeakInThread(
      fakeThread(`
        const starts = existsSync(${JSON.stringify(counter)}) ? Number(readFileSync(${JSON.stringify(counter)}, 'utf8')) : 0;
        writeFileSync(${JSON.stringify(counter)}, String(starts + 1));
        if (starts === 0) process.exit(1);
        const samples = new Int16Array(2205).fill(12000);
        parentPort.postMessage({ type: 'spoken', id: request.id, samples }, [samples.buffer]);`),
    );
    try {
      const synthesizer = await EspeakSynthesizer.load();
      await expect(synthesizer.synthesize('hola', 'roa/es')).rejects.toMatchObject({ code: 'E_SYNTHESIS_FAILED' });
      const speech = await synthesizer.synthesize('hola', 'roa/es');
      expect(speech.length).toBe(2205);
      expect(speech[0]).toBeCloseTo(12000 / 32768, 6);
    } finally {
      runEspeakInThread(null);
    }
  });
});
