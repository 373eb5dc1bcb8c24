// The one strategy registry: name → descriptor (factory, option table, CLI defaults, summary).
// The CLI's flags and help, the engine benchmark and the README table are made from it.
// Adding a strategy: one file exporting its descriptor, and one line in `builtinStrategies` below.
import { InvalidOptionError } from '../../core/errors.ts';
import type { OptionSchema } from '../../core/options.ts';
import { specOf, type StrategyDescriptor, type StrategySpec } from '../strategy.ts';
import { beamStrategy, dvtsStrategy } from './beam.ts';
import { bestFirstStrategy } from './bestfirst.ts';
import { mctsStrategy } from './mcts.ts';
import { rebaseStrategy } from './rebase.ts';
import { bestOfNStrategy, greedyStrategy } from './simple.ts';

/** The strategies steptree ships (the README table lists these). */
export const builtinStrategies: readonly StrategyDescriptor[] = [
  greedyStrategy,
  bestOfNStrategy,
  beamStrategy,
  dvtsStrategy,
  mctsStrategy,
  bestFirstStrategy,
  rebaseStrategy,
];

const registry = new Map<string, StrategyDescriptor>(builtinStrategies.map((d) => [d.name, d]));

/** Adds a strategy to the registry (the CLI's `--strategy`, `strategyByName`); a name is taken once. */
export function registerStrategy<S extends OptionSchema>(d: StrategyDescriptor<S>): void {
  if (typeof d?.name !== 'string' || !/^[a-z][a-z0-9-]*$/.test(d.name))
    throw new InvalidOptionError('strategy.name', `expected a kebab-case name, got ${JSON.stringify(d?.name)}`);
  if (registry.has(d.name)) throw new InvalidOptionError('strategy.name', `${JSON.stringify(d.name)} is registered already`);
  if (typeof d.create !== 'function' || typeof d.options !== 'object')
    throw new InvalidOptionError(`strategy.${d.name}`, 'a descriptor needs options and create()');
  registry.set(d.name, d as unknown as StrategyDescriptor);
}

/** Every registered strategy, built-ins first, in registration order. */
export function strategyDescriptors(): readonly StrategyDescriptor[] {
  return [...registry.values()];
}

export function strategyDescriptor(name: string): StrategyDescriptor {
  const d = registry.get(name);
  if (!d) throw new InvalidOptionError('strategy', `expected one of ${[...registry.keys()].join(', ')}, got ${JSON.stringify(name)}`);
  return d;
}

/** A strategy spec by registry name; `options` are validated (errors name `name.option`). */
export function strategyByName(name: string, options: Readonly<Record<string, unknown>> = {}): StrategySpec {
  return specOf(strategyDescriptor(name), options);
}
