// Owns the machine-translation contract every translation engine implements.
import type { GlossaryEntry } from '../../../shared/glossary.js';

export interface TranslateRequest {
  source: string;
  target: string;
  glossary?: readonly GlossaryEntry[];
  batchSize?: number;
  onProgress?: (fraction: number) => void;
}

export interface TranslatedText {
  text: string;
  /** Glossary terms the translation should hold and does not. */
  lostTerms: string[];
}

export interface Translator {
  /** Changes whenever translations could change; the job log names it. */
  readonly version: string;
  /** The execution provider the engine runs on now (cpu, cuda, …). */
  readonly executionProvider: string;
  /** One translation per text, in order, each with the glossary terms it lost. */
  translate(texts: readonly string[], request: TranslateRequest): Promise<TranslatedText[]>;
}
