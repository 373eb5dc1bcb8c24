import type { StrategySpec } from '../strategy.ts';
import type { NodeRec } from '../tree.ts';
import { byValue, DEFAULT_MAX_DEPTH, int, known } from './options.ts';

export interface GreedyOptions {
  /** Stop a trajectory at this depth even if unfinished. */
  readonly maxDepth?: number;
}

/** Greedy: one sample per step, no search. The baseline every other strategy must beat. */
export function greedy(o: GreedyOptions = {}): StrategySpec {
  known('greedy', o, ['maxDepth']);
  const maxDepth = int('greedy.maxDepth', o.maxDepth, 1, DEFAULT_MAX_DEPTH);
  return {
    name: 'greedy',
    config: { maxDepth },
    create() {
      let tip: NodeRec | null = null;
      let done = false;
      return {
        plan: (ctx) => {
          tip ??= ctx.tree.root;
          return done || tip.terminal || tip.depth >= maxDepth ? null : [{ node: tip, k: 1 }];
        },
        observe: (_ctx, [r]) => {
          const next = [...r!.children].sort(byValue)[0];
          if (next) tip = next;
          else done = true;
        },
      };
    },
  };
}

export interface BestOfNOptions {
  /** N: independent samples. Identical prefixes share nodes (their `count` keeps the votes). */
  readonly n: number;
  readonly maxDepth?: number;
}

/**
 * Best-of-N: N full samples, ranked by aggregated PRM score (or voted, per `selection`). Samples are
 * kept as a trie: a node reached by c samples is expanded with k = c, all samples advancing together.
 */
export function bestOfN(o: BestOfNOptions): StrategySpec {
  known('best-of-n', o, ['n', 'maxDepth']);
  const n = int('best-of-n.n', o?.n, 1);
  const maxDepth = int('best-of-n.maxDepth', o.maxDepth, 1, DEFAULT_MAX_DEPTH);
  return {
    name: 'best-of-n',
    config: { n, maxDepth },
    create() {
      let active: NodeRec[] | null = null;
      return {
        plan: (ctx) => {
          if (!active) return [{ node: ctx.tree.root, k: n }];
          return active.length ? active.map((node) => ({ node, k: node.count })) : null;
        },
        observe: (_ctx, results) => {
          active = results.flatMap((r) => r.children.filter((c) => !c.terminal && c.depth < maxDepth));
        },
      };
    },
  };
}
