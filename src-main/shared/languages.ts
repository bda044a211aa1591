// Language codes as people type them (ISO 639-1/-3, with optional region) and the tags that
// containers want (ISO 639-2/B in MP4 and MKV).

const iso639_2: Record<string, string> = {
  en: 'eng', es: 'spa', fr: 'fre', de: 'ger', it: 'ita', pt: 'por', nl: 'dut', ru: 'rus', uk: 'ukr', pl: 'pol',
  cs: 'cze', sk: 'slo', sv: 'swe', no: 'nor', nb: 'nob', da: 'dan', fi: 'fin', el: 'gre', tr: 'tur', ar: 'ara',
  he: 'heb', hi: 'hin', bn: 'ben', ur: 'urd', fa: 'per', zh: 'chi', ja: 'jpn', ko: 'kor', vi: 'vie', th: 'tha',
  id: 'ind', ms: 'may', ro: 'rum', hu: 'hun', bg: 'bul', hr: 'hrv', sr: 'srp', sl: 'slv', ca: 'cat', eu: 'baq',
  gl: 'glg', ta: 'tam', te: 'tel', sw: 'swa', af: 'afr', et: 'est', lv: 'lav', lt: 'lit', is: 'ice', ga: 'gle',
  cy: 'wel', ka: 'geo', hy: 'arm', az: 'aze', kk: 'kaz', mk: 'mac', sq: 'alb', mt: 'mlt', ne: 'nep', mr: 'mar',
};

export const languageCodePattern = /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i;

/** 'en', 'en-US' and 'EN_gb' share a base language: for choosing a model or skipping translation. */
export function sameBaseLanguage(a: string | undefined, b: string): boolean {
  return normalizeLanguage(a ?? '').split('-')[0] === normalizeLanguage(b).split('-')[0];
}

export function normalizeLanguage(code: string): string {
  return code.trim().toLowerCase().replace(/_/g, '-');
}

/** The ISO 639-2 tag a container wants; 'und' when the language is not known. */
export function containerLanguageTag(code: string | null | undefined): string {
  if (!code) return 'und';
  const base = normalizeLanguage(code).split('-')[0] ?? '';
  if (base.length === 3) return base;
  return iso639_2[base] ?? 'und';
}
