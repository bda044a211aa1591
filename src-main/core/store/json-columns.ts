// Owns reading JSON columns: a damaged value must not take down the whole job list.
import { isRedubErrorData, type RedubErrorData } from '../../shared/errors.js';

export function parseJsonColumn(text: string | null, fallback: unknown): unknown {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return fallback;
  }
}

export function parseErrorColumn(text: string | null): RedubErrorData | null {
  const value = parseJsonColumn(text, null);
  return isRedubErrorData(value) ? value : null;
}

export function errorColumn(error: RedubErrorData | null): string | null {
  return error === null ? null : JSON.stringify(error);
}
