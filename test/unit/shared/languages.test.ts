import { describe, expect, it } from 'vitest';
import { containerLanguageTag, languageCodePattern, normalizeLanguage } from '../../../src-main/shared/languages.js';

describe('normalizeLanguage', () => {
  it('trims, lower-cases and turns underscores into hyphens', () => {
    expect(normalizeLanguage(' ES ')).toBe('es');
    expect(normalizeLanguage('pt_BR')).toBe('pt-br');
    expect(normalizeLanguage('zh-Hant-TW')).toBe('zh-hant-tw');
  });

  it('leaves a normalized code unchanged', () => {
    expect(normalizeLanguage('fr')).toBe('fr');
  });
});

describe('languageCodePattern', () => {
  it('accepts two- and three-letter codes with optional region or script parts', () => {
    for (const code of ['es', 'fil', 'pt-br', 'es-419', 'zh-hant-tw']) expect(languageCodePattern.test(code)).toBe(true);
  });

  it('rejects names, single letters and stray punctuation', () => {
    for (const code of ['spanish', 'e', 'es-', 'es fr', 'es,fr', '']) expect(languageCodePattern.test(code)).toBe(false);
  });
});

describe('containerLanguageTag', () => {
  it('gives the ISO 639-2/B tag for a two-letter code', () => {
    expect(containerLanguageTag('en')).toBe('eng');
    expect(containerLanguageTag('es')).toBe('spa');
    // Bibliographic, not terminology, codes: what MP4 and MKV players expect.
    expect(containerLanguageTag('fr')).toBe('fre');
    expect(containerLanguageTag('de')).toBe('ger');
    expect(containerLanguageTag('zh')).toBe('chi');
  });

  it('ignores the region and the case', () => {
    expect(containerLanguageTag('pt-BR')).toBe('por');
    expect(containerLanguageTag('ES_419')).toBe('spa');
  });

  it('keeps a three-letter code as it is', () => {
    expect(containerLanguageTag('fil')).toBe('fil');
    expect(containerLanguageTag('SPA')).toBe('spa');
  });

  it('is und for an unknown two-letter code', () => {
    expect(containerLanguageTag('xx')).toBe('und');
  });

  it('is und when there is no language', () => {
    expect(containerLanguageTag(null)).toBe('und');
    expect(containerLanguageTag(undefined)).toBe('und');
    expect(containerLanguageTag('')).toBe('und');
    expect(containerLanguageTag('   ')).toBe('und');
  });
});
