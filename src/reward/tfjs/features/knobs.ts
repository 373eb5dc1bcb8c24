/**
 * The flat knob layout (`places`, `numbers`, `bindDigits`, `head`, `check` on the architecture itself) that model
 * files of format version 1 use and `prm train`'s flags keep, turned into features. 0 or absent = off; `numbers`
 * 0 or absent = one number slot. Problems name the knob.
 */
import { InvalidOptionError } from '../../../core/errors.ts';
import type { ArchConfig } from '../arch.ts';
import type { Features } from './index.ts';
import type { ConfigProblem } from './types.ts';

export interface Knobs {
  readonly places?: number;
  readonly numbers?: number;
  readonly bindDigits?: boolean;
  readonly head?: number;
  readonly check?: number;
}

export const KNOB_NAMES = ['places', 'numbers', 'bindDigits', 'head', 'check'] as const;

export function knobProblems(k: Record<string, unknown>): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  if (k.bindDigits !== undefined && typeof k.bindDigits !== 'boolean')
    out.push({ field: 'bindDigits', detail: `expected true or false, got ${JSON.stringify(k.bindDigits)}` });
  if (k.bindDigits && !k.places) out.push({ field: 'bindDigits', detail: 'needs places (digit place embeddings) ≥ 1' });
  if (k.check && !k.bindDigits) out.push({ field: 'check', detail: 'needs bindDigits (and places)' });
  for (const key of ['places', 'numbers', 'head', 'check'])
    if (k[key] !== undefined && !(Number.isInteger(k[key]) && (k[key] as number) >= 0))
      out.push({ field: key, detail: `expected an integer ≥ 0, got ${JSON.stringify(k[key])}` });
  return out;
}

/** Features of valid knobs (check knobProblems first). */
export function featuresFromKnobs(k: Knobs): Features {
  return {
    ...(k.places ? { digitSlots: { places: k.places, numbers: Math.max(1, k.numbers ?? 0), bind: k.bindDigits ?? false } } : {}),
    ...(k.head ? { bagHead: { hidden: k.head } } : {}),
    ...(k.check ? { localCheck: { hidden: k.check } } : {}),
  };
}

/** An architecture written with flat knobs → the rest of it, plus features. Bad knobs come back as problems. */
export function upgradeKnobs(flat: Record<string, unknown>): { arch: Record<string, unknown>; problems: ConfigProblem[] } {
  const rest = { ...flat },
    knobs: Record<string, unknown> = {};
  for (const k of KNOB_NAMES) if (k in rest) ((knobs[k] = rest[k]), delete rest[k]);
  const problems = knobProblems(knobs);
  return { arch: problems.length ? rest : { ...rest, features: featuresFromKnobs(knobs as Knobs) }, problems };
}

/** For createNet callers that hold knobs (`prm train`'s flags): a bad knob is an InvalidOptionError naming `option.knob`. */
export function archWithFeatures(flat: Partial<Omit<ArchConfig, 'features'>> & Knobs, option = 'arch'): Partial<ArchConfig> {
  const { arch, problems } = upgradeKnobs(flat as Record<string, unknown>);
  if (problems.length) throw new InvalidOptionError(`${option}.${problems[0]!.field}`, problems[0]!.detail);
  return arch as Partial<ArchConfig>;
}
