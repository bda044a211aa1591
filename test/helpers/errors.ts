// Captures the RedubError an action throws or a promise rejects with, so tests can assert on
// its code, sentence and details; anything else thrown fails the test.
import { expect } from 'vitest';
import { RedubError, type ErrorCode } from '../../src-main/shared/errors.js';

export async function rejectionOf(promise: Promise<unknown>): Promise<RedubError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(RedubError);
    return error as RedubError;
  }
  throw new Error('expected a rejection with a RedubError');
}

/** The code of the RedubError the action throws, or 'none' when it throws nothing. */
export function thrownCode(action: () => unknown): ErrorCode | 'none' {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(RedubError);
    return (error as RedubError).code;
  }
  return 'none';
}
