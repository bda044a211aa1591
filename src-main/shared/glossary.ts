// Owns the glossary's shape and its text form, shared by the CLI's --glossary file, the settings
// (a text area in the desktop app) and the API: one term per line as "source<Tab>target" or
// "source = target", blank lines and lines starting with # ignored.

export interface GlossaryEntry {
  source: string;
  target: string;
}

export interface ParsedGlossary {
  entries: GlossaryEntry[];
  /** One sentence per line that is not a term, naming the line. */
  problems: string[];
}

export function parseGlossaryText(text: string): ParsedGlossary {
  const entries: GlossaryEntry[] = [];
  const problems: string[] = [];
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/^\uFEFF/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const [source, ...rest] = line.includes('\t') ? line.split('\t') : line.split('=');
    const [term, translation] = [source?.trim() ?? '', rest.join(line.includes('\t') ? '\t' : '=').trim()];
    if (term === '' || translation === '') problems.push(`Line ${index + 1}: "${line}" needs a term and its translation, separated by a Tab or "=".`);
    else entries.push({ source: term, target: translation });
  }
  return { entries, problems };
}

/** The two lists as one, later entries replacing earlier ones for the same term (any case). */
export function mergeGlossaries(...lists: readonly (readonly GlossaryEntry[])[]): GlossaryEntry[] {
  const byTerm = new Map<string, GlossaryEntry>();
  for (const entry of lists.flat()) byTerm.set(entry.source.toLocaleLowerCase(), entry);
  return [...byTerm.values()];
}
