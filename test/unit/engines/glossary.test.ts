import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyGlossary, missingTerms } from '../../../src-main/core/engines/mt/glossary.js';
import { readGlossaryFile } from '../../../src-main/core/pipeline/glossary-file.js';
import { rejectionOf } from '../../helpers/errors.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

describe('applyGlossary', () => {
  it('replaces whole-word terms in any case, longest first, and lists what the translation must keep', () => {
    const glossary = [
      { source: 'New York', target: 'Nueva York' },
      { source: 'New York City', target: 'NYC' },
      { source: 'sword', target: 'espada' },
    ];
    expect(applyGlossary('A SWORD in New York City, swords in New York.', glossary)).toEqual({
      text: 'A espada in NYC, swords in Nueva York.',
      expected: ['NYC', 'Nueva York', 'espada'],
    });
    expect(applyGlossary('no terms here', glossary)).toEqual({ text: 'no terms here', expected: [] });
  });

  it('treats letters of other scripts as word characters', () => {
    expect(applyGlossary('épée sword', [{ source: 'pée', target: 'X' }]).text).toBe('épée sword');
  });

  it('reports the terms a translation lost', () => {
    expect(missingTerms('Una espada en Nueva york', ['espada', 'Nueva York', 'NYC'])).toEqual(['NYC']);
  });
});

describe('readGlossaryFile', () => {
  const temporary = useTemporaryDirectory('redub-glossary-');
  const write = (name: string, content: string) => {
    const file = path.join(temporary(), name);
    writeFileSync(file, content);
    return file;
  };

  it('reads tab- or "="-separated lines with comments, and both JSON shapes', () => {
    expect(readGlossaryFile(write('g.tsv', '\uFEFF# fixed terms\nsword\tespada\n\nRedub = Redub\nx=y=z\n'))).toEqual([
      { source: 'sword', target: 'espada' },
      { source: 'Redub', target: 'Redub' },
      { source: 'x', target: 'y=z' },
    ]);
    expect(readGlossaryFile(write('g.json', '[{"source": "sword", "target": "espada"}]'))).toEqual([{ source: 'sword', target: 'espada' }]);
    expect(readGlossaryFile(write('o.json', '{"sword": "espada"}'))).toEqual([{ source: 'sword', target: 'espada' }]);
  });

  it('says which line is wrong, and when the file is missing', async () => {
    const bad = await rejectionOf(Promise.resolve().then(() => readGlossaryFile(write('bad.txt', 'sword\tespada\njust one term\n'))));
    expect(bad.code).toBe('E_GLOSSARY_FILE');
    expect(bad.details.join(' ')).toContain('Line 2');
    const missing = await rejectionOf(Promise.resolve().then(() => readGlossaryFile(path.join(temporary(), 'nope.tsv'))));
    expect(missing.code).toBe('E_GLOSSARY_FILE');
    expect(missing.details.join(' ')).toContain('no such file');
    const json = await rejectionOf(Promise.resolve().then(() => readGlossaryFile(write('bad.json', '[{"source": ""}]'))));
    expect(json.code).toBe('E_GLOSSARY_FILE');
  });
});
