// Owns reading a glossary file the user keeps beside their videos: one term per line as
// "source<Tab>target" or "source = target" (# starts a comment), or JSON — a list of
// {"source", "target"} or an object of source → target.
import path from 'node:path';
import { z } from 'zod';
import { RedubError } from '../../shared/errors.js';
import { readInputFileSync } from '../files/input-files.js';
import { parseGlossaryText, type GlossaryEntry } from '../../shared/glossary.js';

const jsonGlossarySchema = z.union([z.array(z.object({ source: z.string().min(1), target: z.string().min(1) })), z.record(z.string().min(1), z.string().min(1))]);

export function readGlossaryFile(file: string): GlossaryEntry[] {
  const text = readInputFileSync(path.resolve(file), 'glossary').toString('utf8').replace(/^\uFEFF/, '');
  return text.trimStart().startsWith('[') || text.trimStart().startsWith('{') ? parseJson(text, file) : parseLines(text, file);
}

function parseJson(text: string, file: string): GlossaryEntry[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RedubError('E_GLOSSARY_FILE', { details: [`${file}: ${(error as Error).message}`] });
  }
  const parsed = jsonGlossarySchema.safeParse(value);
  if (!parsed.success) throw new RedubError('E_GLOSSARY_FILE', { details: parsed.error.issues.map((issue) => `${file}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`) });
  return Array.isArray(parsed.data) ? parsed.data : Object.entries(parsed.data).map(([source, target]) => ({ source, target }));
}

function parseLines(text: string, file: string): GlossaryEntry[] {
  const { entries, problems } = parseGlossaryText(text);
  if (problems.length > 0) throw new RedubError('E_GLOSSARY_FILE', { details: problems.map((problem) => `${file}: ${problem}`) });
  return entries;
}
