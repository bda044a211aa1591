// The translation engines on tiny generated NLLB and Marian packs (real layouts; decoders that
// copy their source), so batching, padding, the cache and the forced language token are checked
// by the text that comes back.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Seq2SeqTranslator } from '../../../src-main/core/engines/mt/seq2seq-translator.js';
import { writeTinyMarian, writeTinyNllb } from '../../fixtures/models/tiny-translators.js';
import { rejectionOf } from '../../helpers/errors.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

const sentences = ['Good morning, how are you today?', 'Hello world.', '', 'x', 'A longer line, with more words in it than the others have.', 'hello good world'];

describe('Seq2SeqTranslator', { timeout: 60_000 }, () => {
  const temporary = useTemporaryDirectory('redub-translator-');

  it('NLLB: forces the target language token and keeps each line in its place across batches', async () => {
    const tiny = writeTinyNllb(path.join(temporary(), 'nllb'));
    const nllb = await Seq2SeqTranslator.load({ dir: tiny.dir, packId: 'tiny-nllb', family: 'nllb', languages: ['*'] }, { preference: 'cpu' });
    for (const batchSize of [1, 2, 8]) {
      const progress: number[] = [];
      const rows = await nllb.translateRows(sentences, { source: 'en', target: 'es', batchSize, onProgress: (fraction) => progress.push(fraction) });
      expect(rows.map((row) => row.text)).toEqual(sentences.map((sentence) => sentence.trim()));
      expect(progress.at(-1)).toBe(1);
      for (const row of rows.filter((candidate) => candidate.ids.length > 0)) {
        // </s> starts the decoder, spa_Latn is forced next, and the row ends at its own </s>.
        expect(row.ids.slice(0, 2)).toEqual([2, tiny.idOf('spa_Latn')]);
        expect(row.ids.at(-1)).toBe(2);
        expect(row.ids.slice(1, -1)).not.toContain(2);
      }
    }
    const french = await nllb.translateRows(['Hello world.'], { source: 'en', target: 'fr' });
    expect(french[0]!.ids[1]).toBe(tiny.idOf('fra_Latn'));
  });

  it('NLLB: refuses a language without a FLORES token in the pack', async () => {
    const tiny = writeTinyNllb(path.join(temporary(), 'nllb'));
    const nllb = await Seq2SeqTranslator.load({ dir: tiny.dir, packId: 'tiny-nllb', family: 'nllb', languages: ['*'] }, { preference: 'cpu' });
    const error = await rejectionOf(nllb.translate(['Hello'], { source: 'en', target: 'ja' }));
    expect(error.code).toBe('E_LANGUAGE_UNSUPPORTED');
    expect(error.message).toContain('"ja" (jpn_Jpan)');
  });

  it('Marian: translates its own pair in batches and refuses any other', async () => {
    const tiny = writeTinyMarian(path.join(temporary(), 'marian'));
    const marian = await Seq2SeqTranslator.load({ dir: tiny.dir, packId: 'tiny-opus-mt-en-es', family: 'marian', languages: ['en', 'es'] }, { preference: 'cpu' });
    expect((await marian.translate(sentences, { source: 'en', target: 'es-ES', batchSize: 4 })).map((row) => row.text)).toEqual(sentences.map((sentence) => sentence.trim()));
    const error = await rejectionOf(marian.translate(['Hello'], { source: 'en', target: 'fr' }));
    expect(error.code).toBe('E_LANGUAGE_UNSUPPORTED');
    expect(error.message).toContain('translates en to es, not en to fr');
  });

  it('applies the glossary and names a term the translation lost', async () => {
    const tiny = writeTinyMarian(path.join(temporary(), 'marian'));
    const marian = await Seq2SeqTranslator.load({ dir: tiny.dir, packId: 'tiny-opus-mt-en-es', family: 'marian', languages: ['en', 'es'] }, { preference: 'cpu' });
    // "日本" is outside the tiny vocabulary, so the model cannot keep it, as a real model may not.
    const glossary = [{ source: 'world', target: 'mundo' }, { source: 'Japan', target: '日本' }];
    const rows = await marian.translate(['Hello world.', 'Good morning, Japan.'], { source: 'en', target: 'es', glossary });
    expect(rows[0]).toEqual({ text: 'Hello mundo.', lostTerms: [] });
    expect(rows[1]!.lostTerms).toEqual(['日本']);
  });
});
