import { InvalidOptionError } from '../../core/errors.ts';
import type { PolicyContext } from '../registry.ts';
import { SimulatedPolicy } from './policy.ts';
import type { AnnotationMode } from './reference.ts';

/** `simulated` from the registry: options `errorRate` (number in [0, 1]) and `annotations` (strip | keep). */
export function createSimulated(ctx: PolicyContext): SimulatedPolicy {
  if (!ctx.items)
    throw new InvalidOptionError('--policy', 'simulated needs the dataset items (run it through `steptree bench`, or pass items in the policy context)');
  const { errorRate, annotations } = ctx.options;
  if (errorRate !== undefined && typeof errorRate !== 'number')
    throw new InvalidOptionError('policy.errorRate', `expected a number, got ${JSON.stringify(errorRate)}`);
  return new SimulatedPolicy({ items: ctx.items, seed: ctx.seed, errorRate, annotations: annotations as AnnotationMode | undefined });
}
