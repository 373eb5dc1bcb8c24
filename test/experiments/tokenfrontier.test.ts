import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { analyze } from '../../src/experiments/analyze.ts';
import { parseConfig } from '../../src/experiments/config.ts';
import { splitHalves } from '../../src/experiments/frontier.ts';
import type { RunRow } from '../../src/experiments/sweep.ts';
import { tokenGrid, withinCap } from '../../src/experiments/tokenfrontier.ts';

test('token grid: powers of two covering every point, or the configured token budgets', () => {
  assert.equal(tokenGrid([10, 40, 48]), [16, 32, 64]);
  assert.equal(tokenGrid([16, 16]), [16]);
  assert.equal(tokenGrid([0, 0]), []);
  assert.equal(tokenGrid([10, 40], [300, 100, 100]), [100, 300]);
});

test('within a cap: the largest N whose mean cost fits, not the best one; none below the cheapest', () => {
  const pts = [1, 2, 4].map((n) => ({ n, tokens: 10 * n, perProblem: new Map([['q', n === 2 ? 1 : 0]]) }));
  assert.is(withinCap(pts, 9), undefined);
  assert.is(withinCap(pts, 10)!.n, 1);
  assert.is(withinCap(pts, 39)!.n, 2);
  assert.is(withinCap(pts, 40)!.n, 4); // N=4 scores 0 and N=2 scores 1: the cap, not the outcome, decides
});

const config = parseConfig({
  name: 't',
  task: { kind: 'arith', problems: 20, lengths: [4] },
  policy: { kind: 'arith-sim' },
  prms: [{ spec: 'verifier' }],
  budgets: { values: [1, 2, 4] },
  bootstrap: { resamples: 200 },
});
const problems = Array.from({ length: 20 }, (_, i) => `q${i}`);
// the halves the frontier uses: stratified by bin ('all' here), seeded by bootstrap.seed
const [h0, h1] = splitHalves(
  problems.map((problem) => ({ problem, bin: 'all', budget: 1, config: 'x', value: 0 })),
  config.bootstrap.seed,
);
const TOKENS: Record<string, number> = { A: 10, B: 12 }; // per unit of N
function rows(correct: (method: string, problem: string, n: number) => boolean): RunRow[] {
  return ['A', 'B'].flatMap((strategy) =>
    [1, 2, 4].flatMap((budget) =>
      problems.map((problem) => ({
        key: `${strategy}/${budget}/${problem}`,
        kind: 'run' as const,
        prm: 'v',
        strategy,
        budget,
        problem,
        seed: 1,
        correct: correct(strategy, problem, budget),
        answer: null,
        nodes: 1,
        failures: 0,
        stoppedBy: 'done',
        tokens: TOKENS[strategy]! * budget,
        policyCalls: budget,
        prmCalls: budget,
      })),
    ),
  );
}

test('token frontier: each method at its largest N within the cap; chosen on one half, reported on the other', () => {
  // A is right exactly on half 0, B exactly on half 1: whichever a fold picks on its selection half fails on its report half
  const { tokenFrontier } = analyze(
    config,
    [],
    rows((m, p) => (m === 'A') === h0.has(p)),
  );
  const all = tokenFrontier.filter((r) => r.bin === 'all');
  assert.equal(
    all.map((r) => r.cap),
    [16, 32, 64],
  );
  for (const r of all) {
    assert.equal(r.chosen, ['A', 'B'], `cap ${r.cap}`);
    assert.is(r.frontier, 0);
    for (const m of r.methods) assert.is(m.accuracy, 0.5);
  }
  const at32 = all.find((r) => r.cap === 32)!;
  assert.equal(at32.methods.map((m) => [m.method, m.n, m.tokens]).sort(), [
    ['A', 2, 20],
    ['B', 2, 24],
  ]);
  assert.equal(
    all.find((r) => r.cap === 16)!.methods.map((m) => m.n),
    [1, 1],
  );
});

test('token frontier: outcomes on the report half never change what the other fold chose', () => {
  // A is better everywhere on half 0 (the fold-0 selection half); on half 1 only B is ever right
  const base = analyze(
    config,
    [],
    rows((m, p) => (h0.has(p) ? m === 'A' : m === 'B' && p < 'q5')),
  );
  const poisoned = analyze(
    config,
    [],
    rows((m, p) => (h0.has(p) ? m === 'A' : m === 'B')),
  );
  for (const cap of [16, 32, 64]) {
    const a = base.tokenFrontier.find((r) => r.bin === 'all' && r.cap === cap)!;
    const b = poisoned.tokenFrontier.find((r) => r.bin === 'all' && r.cap === cap)!;
    assert.is(a.chosen[0], 'A');
    assert.is(b.chosen[0], 'A'); // fold 0 still picks A: it never saw half 1
    assert.is(b.chosen[1], 'B');
  }
  assert.ok(h1.size === 10);
});

test('per-N frontier still reported at every configured N', () => {
  const { frontier } = analyze(
    config,
    [],
    rows(() => true),
  );
  assert.equal(
    frontier.filter((r) => r.bin === 'all').map((r) => r.n),
    [1, 2, 4],
  );
  assert.ok(frontier.every((r) => r.frontier === 1 && r.interval!.lo === 1));
});

test.run();
