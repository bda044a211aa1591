// Owns the translation engines, NLLB-200 and Marian opus-mt (through transformers.js on
// onnxruntime-node): tokenizing, the forced target-language token (NLLB), batched greedy
// generation with a cache, cutting each row at its end, and the glossary.

import { RedubError } from '../../../shared/errors.js';
import { sameBaseLanguage } from '../../../shared/languages.js';
import type { ExecutionProviderName } from '../../models/execution-providers.js';
import { loadTransformers, ProviderBound, type PackFiles, type PretrainedLoader, type ProviderOptions } from '../pretrained-model.js';
import { engineRevisions } from '../revisions.js';
import { floresCode } from './flores-codes.js';
import type { TranslatedText, TranslateRequest, Translator } from './translator.js';
import { applyGlossary, missingTerms } from './glossary.js';

const defaultBatchSize = 8;

export type TranslatorFamily = 'nllb' | 'marian';

export interface TranslatePack extends Pick<PackFiles, 'dir' | 'packId'> {
  family: TranslatorFamily;
  /** Marian: the pack's [source, target]; NLLB: ['*']. */
  languages: string[];
}

export interface TranslatedRow {
  text: string;
  /** The generated ids, decoder start and forced language token included. */
  ids: number[];
}

interface Tokenized {
  input_ids: unknown;
  attention_mask: unknown;
}

/** What the engine needs of a loaded transformers.js seq2seq model and its tokenizer. */
export interface TranslatorParts {
  model: { generate(options: Record<string, unknown>): Promise<unknown>; dispose(): Promise<unknown> };
  /** Tokenizes a padded batch; for NLLB also sets forced_bos_token_id in `generation`. */
  tokenize(texts: string[], generation: Record<string, unknown>): Tokenized;
  decode(ids: number[]): string;
  /** The token id of a special token (a FLORES language code), or undefined. */
  tokenId(token: string): number | undefined;
  endOfSentence: number;
  /** A transformers.js LogitsProcessor that holds finished rows on </s>. */
  finishedRows(): unknown;
}

export class Seq2SeqTranslator implements Translator {
  readonly version: string;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly bound: ProviderBound<TranslatorParts>,
    readonly pack: TranslatePack,
  ) {
    this.version = `${engineRevisions.seq2seq}+${pack.packId}-${bound.precision}`;
  }

  static async load(pack: TranslatePack, options: ProviderOptions & { loader?: PretrainedLoader<TranslatorParts> }): Promise<Seq2SeqTranslator> {
    const files: PackFiles = { ...pack, sessions: ['encoder_model', 'decoder_model_merged'], files: ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'] };
    const bound = await ProviderBound.create(files, options.loader ?? transformersTranslator(pack.dir), options);
    return new Seq2SeqTranslator(bound, pack);
  }

  get executionProvider(): ExecutionProviderName {
    return this.bound.provider;
  }

  /** Translates with the glossary; each result names the fixed terms its translation lost. */
  async translate(texts: readonly string[], request: TranslateRequest): Promise<TranslatedText[]> {
    const prepared = texts.map((text) => applyGlossary(text, request.glossary ?? []));
    const rows = await this.translateRows(prepared.map((entry) => entry.text), request);
    return rows.map((row, index) => ({ text: row.text, lostTerms: missingTerms(row.text, prepared[index]!.expected) }));
  }

  /** Translates without the glossary and returns the ids too (tests read the forced language token). */
  translateRows(texts: readonly string[], request: TranslateRequest): Promise<TranslatedRow[]> {
    const run = this.queue.then(() => this.translateNow(texts, request));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async translateNow(texts: readonly string[], request: TranslateRequest): Promise<TranslatedRow[]> {
    const languages = this.languageTokens(request.source, request.target);
    const results: TranslatedRow[] = texts.map(() => ({ text: '', ids: [] }));
    // Similar lengths batch together, so little of each batch is padding.
    const order = texts.map((text, index) => ({ text: text.trim(), index })).filter((entry) => entry.text !== '');
    order.sort((a, b) => a.text.length - b.text.length);
    const batchSize = Math.max(1, request.batchSize ?? defaultBatchSize);
    for (let start = 0; start < order.length; start += batchSize) {
      const batch = order.slice(start, start + batchSize);
      const rows = await this.bound.run((parts) => generateBatch(parts, batch.map((entry) => entry.text), languages));
      batch.forEach((entry, position) => (results[entry.index] = rows[position]!));
      request.onProgress?.(Math.min(order.length, start + batchSize) / order.length);
    }
    if (order.length === 0) request.onProgress?.(1);
    return results;
  }

  /** NLLB's FLORES tokens for the pair; Marian packs translate one fixed pair. */
  private languageTokens(source: string, target: string): { source?: string; target?: string } {
    if (this.pack.family === 'marian') {
      const [from, to] = this.pack.languages;
      if (!sameBaseLanguage(from, source) || !sameBaseLanguage(to, target)) {
        throw new RedubError('E_LANGUAGE_UNSUPPORTED', {
          message: `The translation pack "${this.pack.packId}" translates ${from} to ${to}, not ${source} to ${target}.`,
          action: 'Install a translation pack for this pair (`redub models list` shows them), or pass --translator with one that covers it.',
        });
      }
      return {};
    }
    const codes = { source: floresCode(source), target: floresCode(target) };
    for (const [role, code] of Object.entries(codes)) {
      const language = role === 'source' ? source : target;
      if (!code || this.bound.value.tokenId(code) === undefined) {
        throw new RedubError('E_LANGUAGE_UNSUPPORTED', {
          message: `The translation pack "${this.pack.packId}" does not know the language "${language}"${code ? ` (${code})` : ''}.`,
          action: 'Pick a language the pack covers, or pass the translation with --translation <lang>=<file.srt>.',
        });
      }
    }
    return { source: codes.source!, target: codes.target! };
  }

  async dispose(): Promise<void> {
    await this.bound.dispose();
  }
}

async function generateBatch(parts: TranslatorParts, texts: string[], languages: { source?: string; target?: string }): Promise<TranslatedRow[]> {
  const generation: Record<string, unknown> = {};
  if (languages.target) Object.assign(generation, { src_lang: languages.source, tgt_lang: languages.target });
  const inputs = parts.tokenize(texts, generation);
  const longest = (inputs.input_ids as { dims: number[] }).dims[1] ?? 1;
  const output = await parts.model.generate({
    ...inputs,
    ...generation,
    // Room for a translation about twice as long as its source, and no more: a model that loops stops.
    max_new_tokens: Math.min(512, longest * 2 + 16),
    logits_processor: [parts.finishedRows()],
  });
  return rowsOf(output).map((ids) => {
    // transformers.js keeps generating for rows that have ended; everything after </s> is dropped.
    const end = ids.indexOf(parts.endOfSentence, 1);
    const kept = end === -1 ? ids : ids.slice(0, end + 1);
    return { ids: kept, text: parts.decode(kept).replace(/\s+/g, ' ').trim() };
  });
}

function transformersTranslator(dir: string): PretrainedLoader<TranslatorParts> {
  return async (device, precision) => {
    const transformers = await loadTransformers();
    const [model, tokenizer] = await Promise.all([
      transformers.AutoModelForSeq2SeqLM.from_pretrained(dir, { local_files_only: true, device: device as 'cpu', dtype: precision }),
      transformers.AutoTokenizer.from_pretrained(dir, { local_files_only: true }),
    ]);
    const special = tokenizer as unknown as {
      _build_translation_inputs?: (texts: string[], options: object, generation: Record<string, unknown>) => Tokenized;
      convert_tokens_to_ids(token: string): number | undefined | null;
      eos_token_id?: number;
    };
    const endOfSentence = special.eos_token_id ?? (model.config as { eos_token_id?: number }).eos_token_id ?? 2;
    class FinishedRows extends transformers.LogitsProcessor {
      override _call(inputIds: bigint[][], logits: { dims: number[]; data: Float32Array }) {
        const vocabulary = logits.dims.at(-1)!;
        inputIds.forEach((row, batch) => {
          if (!row.slice(1).some((id) => Number(id) === endOfSentence)) return;
          const scores = logits.data.subarray(batch * vocabulary, (batch + 1) * vocabulary);
          scores.fill(Number.NEGATIVE_INFINITY);
          scores[endOfSentence] = 0;
        });
        return logits;
      }
    }
    return {
      model: model as unknown as TranslatorParts['model'],
      tokenize: (texts, generation) =>
        generation.tgt_lang && special._build_translation_inputs
          ? special._build_translation_inputs(texts, { padding: true, truncation: true }, generation)
          : (tokenizer(texts, { padding: true, truncation: true }) as unknown as Tokenized),
      decode: (ids) => tokenizer.decode(ids, { skip_special_tokens: true }),
      tokenId: (token) => special.convert_tokens_to_ids(token) ?? undefined,
      endOfSentence,
      finishedRows: () => new FinishedRows(),
    };
  };
}

function rowsOf(output: unknown): number[][] {
  const tensor = output as { tolist?: () => unknown[][] } | unknown[][];
  const rows = Array.isArray(tensor) ? tensor : (tensor.tolist?.() ?? []);
  return rows.map((row) => row.map(Number));
}

