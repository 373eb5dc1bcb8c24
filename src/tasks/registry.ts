import { InvalidOptionError } from '../core/errors.ts';
import { arith } from './arith-items.ts';
import { gsm8k } from './gsm8k.ts';
import { math, math500 } from './math.ts';
import type { DatasetKind } from './types.ts';

/** One registry of datasets (`--dataset NAME`), shared by bench and the scaling lab. */
export const datasetKinds: Record<string, DatasetKind> = { gsm8k, math, math500, arith };

export function datasetKind(name: string): DatasetKind {
  const k = Object.hasOwn(datasetKinds, name) ? datasetKinds[name] : undefined;
  if (!k) throw new InvalidOptionError('--dataset', `expected one of ${Object.keys(datasetKinds).join(', ')}, got ${JSON.stringify(name)}`);
  return k;
}
