import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chooseBest, computeOptimal, splitHalves, type Outcome } from '../../src/experiments/frontier.ts';

// 20 problems in one bin, two configurations at one budget
const problems = Array.from({ length: 20 }, (_, i) => `q${i}`);
function rows(f: (p: string, config: string) => number): Outcome[] {
  return problems.flatMap((p) => ['A', 'B'].map((config) => ({ problem: p, bin: '1', budget: 8, config, value: f(p, config) })));
}

test('the chooser only ever sees rows of its selection half, and each problem is reported once', () => {
  const data = rows(() => 0.5);
  const [h0, h1] = splitHalves(data, 7);
  assert.is(h0.size + h1.size, 20);
  for (const p of h0) assert.not.ok(h1.has(p));
  const seen: Set<string>[] = [];
  const pts = computeOptimal(data, {
    seed: 7,
    choose: (r) => {
      seen.push(new Set(r.map((x) => x.problem)));
      return chooseBest(r);
    },
  });
  assert.is(seen.length, 2);
  assert.equal([...seen[0]!].sort(), [...h0].sort());
  assert.equal([...seen[1]!].sort(), [...h1].sort());
  assert.is(pts[0]!.perProblem.size, 20);
});

test('selection is made on one half: a configuration best only on the report half is not chosen there', () => {
  const [h0] = splitHalves(
    rows(() => 0),
    7,
  );
  // A is perfect on half 0 and useless on half 1; B is the reverse
  const data = rows((p, c) => ((c === 'A') === h0.has(p) ? 1 : 0));
  const [pt] = computeOptimal(data, { seed: 7 });
  // each fold picks the configuration that won its selection half, which is the one that fails on the other half
  assert.equal(
    pt!.folds.map((f) => f.chosen),
    ['A', 'B'],
  );
  assert.equal(
    pt!.folds.map((f) => f.reported),
    [0, 0],
  );
  assert.is(pt!.value, 0);
});

test('changing outcomes on the report half never changes what the other fold chose', () => {
  const base = rows((p, c) => (c === 'A' ? 0.6 : 0.4) + (p.length % 2) * 0.01);
  const [h0] = splitHalves(base, 1);
  const poisoned = base.map((r) => (h0.has(r.problem) ? r : { ...r, value: r.config === 'B' ? 1 : 0 }));
  const a = computeOptimal(base, { seed: 1 })[0]!;
  const b = computeOptimal(poisoned, { seed: 1 })[0]!;
  assert.is(b.folds[0]!.chosen, a.folds[0]!.chosen); // fold 0 selects on h0, untouched
  assert.is(b.folds[0]!.chosen, 'A');
  assert.is(b.folds[0]!.reported, 0); // …and reports A on the poisoned half, where A now scores 0
});

test.run();
