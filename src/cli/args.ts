import { parseArgs } from 'node:util';
import { InvalidOptionError } from '../core/errors.ts';

/** Flag → strategy option, with its type. CLI names are kebab-case forms of the option names. */
export const STRATEGY_FLAGS: Record<string, [option: string, kind: 'int' | 'num' | 'str' | 'bool']> = {
  n: ['n', 'int'],
  'beam-width': ['beamWidth', 'int'],
  lookahead: ['lookahead', 'int'],
  'max-depth': ['maxDepth', 'int'],
  simulations: ['simulations', 'int'],
  formula: ['formula', 'str'],
  'c-puct': ['cPuct', 'num'],
  prior: ['prior', 'str'],
  'expansion-width': ['expansionWidth', 'int'],
  rollout: ['rollout', 'bool'],
  parallel: ['parallel', 'int'],
  'virtual-loss': ['virtualLoss', 'num'],
  'final-pick': ['finalPick', 'str'],
  'depth-penalty': ['depthPenalty', 'num'],
  'frontier-cap': ['frontierCap', 'int'],
  solutions: ['solutions', 'int'],
  'widening-alpha': ['alpha', 'num'],
  'widening-c': ['c', 'num'],
  'balance-temperature': ['balanceTemperature', 'num'],
  rounding: ['rounding', 'str'],
};

export type FlagSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; default?: string | boolean }>;

/** Strict flag parsing for every command; an unknown or malformed flag is an InvalidOptionError. */
export function parseFlags<S extends FlagSpec>(argv: string[], spec: S) {
  try {
    return parseArgs({ args: argv, options: spec, allowPositionals: true, strict: true });
  } catch (e) {
    throw new InvalidOptionError('argv', (e as Error).message);
  }
}

/** `solve`'s flags plus every strategy flag. */
export function parse(argv: string[], own: FlagSpec) {
  const options: FlagSpec = { ...own };
  for (const [flag, [, kind]] of Object.entries(STRATEGY_FLAGS)) options[flag] = { type: kind === 'bool' ? 'boolean' : 'string' };
  return parseFlags(argv, options);
}

export function number(flag: string, v: unknown, integer = false): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(x) || (integer && !Number.isInteger(x))) throw new InvalidOptionError(`--${flag}`, `expected ${integer ? 'an integer' : 'a number'}, got ${JSON.stringify(v)}`);
  return x;
}

/** Strategy options from the flags the user gave (only those: each strategy rejects what it does not know). */
export function strategyOptions(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let widening: Record<string, number> | undefined;
  for (const [flag, [opt, kind]] of Object.entries(STRATEGY_FLAGS)) {
    const v = values[flag];
    if (v === undefined) continue;
    const x = kind === 'int' ? number(flag, v, true) : kind === 'num' ? number(flag, v) : v;
    if (flag.startsWith('widening-')) (widening ??= {})[opt] = x as number;
    else out[opt] = x;
  }
  if (widening) out.widening = { alpha: 0.5, c: 1, ...widening };
  return out;
}
