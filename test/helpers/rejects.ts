import * as assert from 'uvu/assert';
import { InvalidOptionError } from '../../src/core/errors.ts';

/** The error a promise rejects with; fails the test if it resolves. */
export async function rejects(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

/** `fn` (sync or async) fails with an InvalidOptionError naming `option`, its message matching `detail`. */
export async function invalidOption(fn: () => unknown, option: string, detail?: RegExp): Promise<InvalidOptionError> {
  const e = await rejects((async () => fn())());
  assert.instance(e, InvalidOptionError, `an InvalidOptionError for ${option}, got: ${e.message}`);
  assert.is((e as InvalidOptionError).option, option);
  if (detail) assert.match(e.message, detail);
  return e as InvalidOptionError;
}
