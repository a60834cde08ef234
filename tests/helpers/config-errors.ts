import { ConfigErrors } from '../../src/config/errors.js';

/** The messages of the ConfigErrors `fn` throws; fails the test when it throws nothing or something else. */
export function configProblems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigErrors) return error.errors.map((e) => e.message);
    throw error;
  }
  throw new Error('expected ConfigErrors, got success');
}
