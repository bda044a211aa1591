// Owns the map from the language codes people type (ISO 639-1, or 639-3, with an optional region)
// to the FLORES-200 codes NLLB-200 uses for its language tokens.

const floresCodes: Record<string, string> = {
  af: 'afr_Latn', am: 'amh_Ethi', ar: 'arb_Arab', az: 'azj_Latn', be: 'bel_Cyrl', bg: 'bul_Cyrl', bn: 'ben_Beng',
  bs: 'bos_Latn', ca: 'cat_Latn', cs: 'ces_Latn', cy: 'cym_Latn', da: 'dan_Latn', de: 'deu_Latn', el: 'ell_Grek',
  en: 'eng_Latn', es: 'spa_Latn', et: 'est_Latn', eu: 'eus_Latn', fa: 'pes_Arab', fi: 'fin_Latn', fr: 'fra_Latn',
  ga: 'gle_Latn', gl: 'glg_Latn', gu: 'guj_Gujr', he: 'heb_Hebr', hi: 'hin_Deva', hr: 'hrv_Latn', hu: 'hun_Latn',
  hy: 'hye_Armn', id: 'ind_Latn', is: 'isl_Latn', it: 'ita_Latn', ja: 'jpn_Jpan', ka: 'kat_Geor', kk: 'kaz_Cyrl',
  km: 'khm_Khmr', kn: 'kan_Knda', ko: 'kor_Hang', lt: 'lit_Latn', lv: 'lvs_Latn', mk: 'mkd_Cyrl', ml: 'mal_Mlym',
  mn: 'khk_Cyrl', mr: 'mar_Deva', ms: 'zsm_Latn', mt: 'mlt_Latn', my: 'mya_Mymr', ne: 'npi_Deva', nl: 'nld_Latn',
  no: 'nob_Latn', nb: 'nob_Latn', nn: 'nno_Latn', pa: 'pan_Guru', pl: 'pol_Latn', pt: 'por_Latn', ro: 'ron_Latn',
  ru: 'rus_Cyrl', si: 'sin_Sinh', sk: 'slk_Latn', sl: 'slv_Latn', sq: 'als_Latn', sr: 'srp_Cyrl', sv: 'swe_Latn',
  sw: 'swh_Latn', ta: 'tam_Taml', te: 'tel_Telu', th: 'tha_Thai', tl: 'tgl_Latn', tr: 'tur_Latn', uk: 'ukr_Cyrl',
  ur: 'urd_Arab', uz: 'uzn_Latn', vi: 'vie_Latn', yo: 'yor_Latn', zh: 'zho_Hans', 'zh-tw': 'zho_Hant',
  'zh-hant': 'zho_Hant', 'zh-hk': 'yue_Hant', zu: 'zul_Latn',
};

/** The FLORES-200 code for a language ('es', 'pt-br', 'zh-tw', or a FLORES code already); null if unknown. */
export function floresCode(language: string): string | null {
  if (/^[a-z]{3}_[A-Z][a-z]{3}$/.test(language)) return language;
  const code = language.trim().toLowerCase().replace(/_/g, '-');
  return floresCodes[code] ?? floresCodes[code.split('-')[0] ?? ''] ?? null;
}
