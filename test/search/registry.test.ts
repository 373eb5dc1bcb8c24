// A strategy written against the public package only (every import below is from src/index.ts),
// registered and run through the registry; and the registry's own promises (defaults, errors).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  BinaryHeap,
  byValue,
  defineStrategy,
  InvalidOptionError,
  opt,
  registerStrategy,
  search,
  strategyByName,
  strategyDescriptors,
  usable,
  type ExpansionResult,
  type Policy,
  type PRM,
  type SearchNode,
  type Strategy,
  type StrategyContext,
} from '../../src/index.ts';

/** A toy task: each step appends a digit; three digits end it; the PRM likes even digits. */
const problem = { id: 'digits', text: 'write three digits' };
const policy: Policy = {
  name: 'digits',
  propose: async (r) =>
    Array.from({ length: r.k }, (_, i) => {
      const d = (r.steps.length * 3 + i + Number(r.seed.split('/').at(-1))) % 10;
      return { text: String(d), tokens: 1, terminal: r.steps.length === 2, ...(r.steps.length === 2 ? { answer: [...r.steps, d].join('') } : {}) };
    }),
};
const prm: PRM = { name: 'even', score: async (reqs) => reqs.map((q) => (Number(q.step) % 2 === 0 ? 0.9 : 0.2)) };

/** Widest-first with a cap: pops the `width` best open nodes per wave from a heap frontier. */
class WidestFirst implements Strategy {
  private frontier = new BinaryHeap<SearchNode>((a, b) => byValue(a, b) < 0);
  private started = false;
  readonly observed: string[][] = [];
  constructor(private readonly c: { width: number; proposals: number }) {}
  plan(ctx: StrategyContext) {
    // @ts-expect-error the tree a strategy sees cannot add nodes (only the engine does, within the budget)
    void ctx.tree.add;
    if (!this.started) return ((this.started = true), [{ node: ctx.tree.root, total: this.c.proposals }]);
    const wave = [];
    while (wave.length < this.c.width && this.frontier.size) wave.push({ node: this.frontier.pop()!, total: this.c.proposals });
    return wave.length ? wave : null;
  }
  observe(ctx: StrategyContext, results: readonly ExpansionResult[]) {
    this.observed.push(results.map((r) => ctx.tree.idOf(r.node)));
    for (const r of results) for (const c of r.children) if (usable(c) && !c.terminal) this.frontier.push(c);
  }
}

let last: WidestFirst | null = null;
const widestFirst = defineStrategy({
  name: 'widest-first-test',
  factory: 'widestFirst',
  summary: 'test strategy: heap frontier, width nodes per wave',
  options: { width: opt.int({ min: 1, default: 2, help: 'nodes per wave' }), proposals: opt.int({ min: 1, help: 'proposals per node' }) },
  defaults: { proposals: 3 },
  create: (c) => (last = new WidestFirst(c)),
});

test('a strategy made from the public API registers and runs by name', async () => {
  registerStrategy(widestFirst);
  assert.ok(strategyDescriptors().some((d) => d.name === 'widest-first-test'));
  const spec = strategyByName('widest-first-test', { width: 2, proposals: 3 });
  assert.equal(spec.config, { width: 2, proposals: 3 });
  const r = await search({ problem, policy, prm, strategy: spec, seed: 1, aggregation: 'min' });
  assert.is(r.strategy.name, 'widest-first-test');
  assert.ok(r.best?.terminal, 'finished a trajectory');
  assert.ok(/^[02468]{3}$/.test(r.best!.answer!), `best ${r.best!.answer} has only even digits`);
  // waves after the first take the two best open nodes, in value order
  assert.ok(last!.observed.length > 2);
  assert.ok(last!.observed.slice(1).every((w) => w.length <= 2));
  // the ids a strategy reads (ctx.tree.idOf) are the result tree's: the root first, then expanded depth-1 nodes
  assert.equal(last!.observed[0], ['0']);
  for (const id of last!.observed.flat()) assert.is(r.tree.get(id)?.id, id);
  assert.ok(last!.observed[1]!.every((id) => r.tree.get(id)!.depth === 1));
  // options are validated by the descriptor's table, naming the strategy
  assert.throws(
    () => strategyByName('widest-first-test', { proposals: 0 }),
    (e: unknown) => e instanceof InvalidOptionError && e.option === 'widest-first-test.proposals',
  );
  assert.throws(() => strategyByName('widest-first-test', {}), /widest-first-test\.proposals.*required/);
  assert.throws(() => registerStrategy(widestFirst), /registered already/);
});

test('every registered strategy runs from the registry with its CLI defaults and rejects unknown options by name', async () => {
  for (const d of strategyDescriptors()) {
    const spec = strategyByName(d.name, { ...d.defaults });
    assert.is(spec.name, d.name);
    const r = await search({ problem, policy, prm, strategy: spec, seed: 2, budget: { nodes: 200 } });
    assert.ok(r.stats.nodes > 1, `${d.name} grew the tree`);
    assert.throws(() => strategyByName(d.name, { ...d.defaults, bogus: 1 }), new RegExp(`${d.name}\\.bogus`));
  }
  assert.throws(() => strategyByName('astar'), /expected one of greedy, .*got "astar"/);
});

test.run();
