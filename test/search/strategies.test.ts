import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { beam, bestFirst, bestOfN, dvts, greedy, mcts, search, startSearch } from '../../src/index.ts';
import { arithProblem, gradeArith } from '../../src/tasks/arith.ts';
import { arithPolicy, verifier } from './helpers.ts';

const SEEDS = Array.from({ length: 20 }, (_, i) => i);
async function solved(strategy: Parameters<typeof search>[0]['strategy'], extra: object = {}): Promise<number> {
  let ok = 0;
  for (const s of SEEDS) {
    const problem = arithProblem(s, { length: 10 });
    const r = await search({ problem, policy: arithPolicy(0.3), prm: verifier(0), strategy, seed: s, ...extra });
    if (gradeArith(problem, r.best?.answer ?? null)) ok++;
  }
  return ok;
}

test('arith L=10, error 0.3, noiseless verifier: beam (N=8) and MCTS solve nearly all, greedy few', async () => {
  const g = await solved(greedy());
  const b = await solved(beam({ n: 8, beamWidth: 4 }));
  const m = await solved(mcts({ simulations: 48, expansionWidth: 4 }));
  const d = await solved(dvts({ n: 8, beamWidth: 4 }));
  console.log(`    solved of ${SEEDS.length}: greedy ${g}, beam ${b}, mcts ${m}, dvts ${d}`);
  assert.ok(g <= 3, `greedy solved ${g}`);
  assert.ok(b >= 19, `beam solved ${b}`);
  assert.ok(m >= 16, `mcts solved ${m}`);
  assert.ok(d >= 16, `dvts solved ${d}`);
});

test('best-of-N with majority vote and PRM selection both beat greedy', async () => {
  const best = await solved(bestOfN({ n: 16 }), { aggregation: 'min' });
  assert.ok(best >= 4, `best-of-16 solved ${best}`);
});

test('best-first expands the highest-priority open node each wave', async () => {
  const problem = arithProblem(3);
  const run = startSearch({ problem, policy: arithPolicy(0.4), prm: verifier(1.5), strategy: bestFirst({ expansionWidth: 3, depthPenalty: 0.01 }), seed: 3 });
  const open = new Map<string, number>();
  let checked = 0;
  const depth = (id: string) => id.split('.').length - 1;
  const value = new Map<string, number>();
  run.on('score', (e) => e.nodeIds.forEach((id, i) => value.set(id, e.scores[i]!)));
  run.on('select', (e) => {
    if (e.nodeIds[0] === '0') return;
    const id = e.nodeIds[0]!;
    const p = open.get(id);
    assert.ok(p !== undefined, `expanded ${id} was not open`);
    for (const [other, q] of open) assert.ok(p! >= q, `expanded ${id} (${p}) while ${other} had ${q}`);
    open.delete(id);
    checked++;
  });
  run.on('expand', (e) => {
    for (const id of e.newIds) open.set(id, value.get(id)! - 0.01 * depth(id)); // 'last' aggregation = step score
  });
  run.on('terminal', (e) => open.delete(e.nodeId));
  const r = await run.result;
  assert.ok(checked >= 9, `only ${checked} expansions checked`);
  assert.ok(r.best?.terminal);
});

test('best-first frontier cap prunes the lowest-priority nodes and never expands them', async () => {
  const problem = arithProblem(4);
  const run = startSearch({
    problem,
    policy: arithPolicy(0.5),
    prm: verifier(2),
    strategy: bestFirst({ expansionWidth: 4, frontierCap: 3, parallel: 2 }),
    seed: 4,
  });
  const pruned = new Set<string>();
  const expanded: string[] = [];
  run.on('prune', (e) => e.nodeIds.forEach((id) => pruned.add(id)));
  run.on('select', (e) => expanded.push(...e.nodeIds));
  await run.result;
  assert.ok(pruned.size > 0);
  for (const id of expanded) assert.not.ok(pruned.has(id), `${id} was pruned, then expanded`);
});

test('DVTS keeps its N/M subtrees apart: one expanded node per subtree per depth', async () => {
  const problem = arithProblem(5);
  const run = startSearch({ problem, policy: arithPolicy(0.5), prm: verifier(1), strategy: dvts({ n: 12, beamWidth: 3 }), seed: 5 });
  const expanded: string[] = [];
  run.on('select', (e) => expanded.push(...e.nodeIds));
  const r = await run.result;
  const subtrees = r.tree.root.children;
  assert.ok(subtrees.length >= 2 && subtrees.length <= 4, `${subtrees.length} subtrees`);
  const seen = new Set<string>();
  for (const id of expanded.filter((x) => x !== '0')) {
    const head = id.split('.').slice(0, 2).join('.');
    const key = `${head}@${id.split('.').length}`;
    assert.ok(subtrees.includes(head));
    assert.not.ok(seen.has(key), `subtree ${head} expanded twice at one depth`);
    seen.add(key);
  }
  // every terminal candidate lies in one subtree, and the final expansion of each subtree is its own
  for (const c of r.candidates) assert.ok(subtrees.includes(c.nodeId.split('.').slice(0, 2).join('.')));
});

test('MCTS variants: UCT, uniform prior, widening, rollouts, parallel with virtual loss, pick by value', async () => {
  const problem = arithProblem(7, { length: 6 });
  for (const o of [
    { formula: 'uct' as const, cPuct: 1.4 },
    { prior: 'uniform' as const },
    { widening: { alpha: 0.5, c: 1.5 } },
    { rollout: true },
    { parallel: 8, virtualLoss: 1 },
    { finalPick: 'value' as const },
  ]) {
    const r = await search({ problem, policy: arithPolicy(0.3), prm: verifier(0), strategy: mcts({ simulations: 40, ...o }), seed: 1 });
    assert.ok(r.tree.root.visits >= 40, JSON.stringify(o));
    assert.ok(r.best && r.best.steps.length > 0, JSON.stringify(o));
    if (o.parallel) {
      // virtual loss spreads a wave's simulations over different leaves
      assert.ok(r.stats.policyCalls > 40 / 8, `${r.stats.policyCalls} calls`);
    }
    if (o.rollout) assert.ok(r.tree.nodes.some((n) => n.rollout));
  }
});

test('PUCT descends when every logprob is -Infinity (each prior is NaN): the first usable child stands in', async () => {
  const flat = {
    name: 'flat',
    propose: async (r: { k: number }) => Array.from({ length: r.k }, (_, i) => ({ text: `s${i}`, tokens: 1, logprob: -Infinity, terminal: false })),
  };
  const r = await search({
    problem: arithProblem(1, { length: 10 }),
    policy: flat,
    prm: verifier(0),
    strategy: mcts({ simulations: 30, expansionWidth: 3, maxDepth: 6 }),
    seed: 1,
  });
  const depth = Math.max(...r.tree.nodes.map((n) => n.depth));
  assert.ok(depth >= 3, `deepest node at depth ${depth}`);
  assert.is(r.tree.root.visits, 30);
});

test('MCTS progressive widening keeps adding children to a node as its visits grow', async () => {
  const problem = arithProblem(7, { length: 6 });
  // a policy that errs often proposes varied steps, so widening has new children to find
  const r = await search({ problem, policy: arithPolicy(0.7), prm: verifier(2), strategy: mcts({ simulations: 60, widening: { alpha: 0.5, c: 1 } }), seed: 1 });
  // ⌈√N⌉ allowed: the root starts with one child and must have widened well past it
  assert.ok(r.tree.root.children.length >= 4, `root has ${r.tree.root.children.length} children`);
  assert.ok(r.tree.root.children.length <= Math.ceil(Math.sqrt(61)));
});

test('beam lookahead scores its lookahead steps too', async () => {
  const problem = arithProblem(2, { length: 6 });
  const r = await search({ problem, policy: arithPolicy(0.3), prm: verifier(0), strategy: beam({ n: 4, beamWidth: 2, lookahead: 2 }), seed: 2 });
  assert.ok(r.tree.nodes.slice(1).every((n) => n.score !== null));
  assert.ok(r.stats.nodes > 12);
});

test.run();
