import { InvalidOptionError } from '../../core/errors.ts';
import type { NodeRec } from '../tree.ts';

/** Option checks that name the option (`beam.n`) in their error. */
export function int(option: string, v: unknown, min: number, fallback?: number): number {
  const x = v === undefined ? fallback : v;
  if (typeof x !== 'number' || !Number.isInteger(x) || x < min) throw new InvalidOptionError(option, `expected an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  return x;
}

export function num(option: string, v: unknown, min: number, fallback: number, max = Infinity): number {
  const x = v === undefined ? fallback : v;
  if (typeof x !== 'number' || !(x >= min && x <= max)) throw new InvalidOptionError(option, `expected a number in [${min}, ${max}], got ${JSON.stringify(v)}`);
  return x;
}

export function oneOf<T extends string>(option: string, v: unknown, allowed: readonly T[], fallback: T): T {
  const x = v === undefined ? fallback : v;
  if (!allowed.includes(x as T)) throw new InvalidOptionError(option, `expected one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  return x as T;
}

export function known(strategy: string, o: object, keys: readonly string[]): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new InvalidOptionError(`${strategy}.${k}`, `unknown option (known: ${keys.join(', ')})`);
}

/** Higher value first; ties by creation order so ranking is deterministic. */
export const byValue = (a: NodeRec, b: NodeRec): number => (b.value ?? 0) - (a.value ?? 0) || a.order - b.order;

export const DEFAULT_MAX_DEPTH = 64;
