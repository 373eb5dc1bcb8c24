import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InvalidOptionError, SteptreeError } from '../../src/core/errors.ts';
import { policyKinds } from '../../src/policy/registry.ts';
import { SimulatedPolicy, stepDeviates } from '../../src/policy/simulated/index.ts';
import { markStep } from '../../src/policy/simulated/marks.ts';
import { carry, evaluate, stripAnnotations } from '../../src/policy/simulated/numbers.ts';
import { lastBoxed, splitLines, splitProse } from '../../src/policy/steps.ts';
import { loadPRM } from '../../src/reward/registry.ts';
import { OraclePRM } from '../../src/reward/oracle.ts';
import { beam, greedy, search, stringifyTree } from '../../src/index.ts';
import type { BenchItem } from '../../src/tasks/types.ts';
import { gsm8kItems, hasData, lookup, math500Items } from './data.ts';

const janet: BenchItem = {
  id: 'janet',
  problem: { id: 'janet', text: 'Janet’s ducks lay 16 eggs per day…' },
  reference: '18',
  source: { file: 'x', line: 1 },
  solution: 'Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day.\nShe makes 9 * 2 = $<<9*2=18>>18 every day at the farmer’s market.\n#### 18',
};

/** Walks one trajectory, taking proposal `pick` at each step. */
function walk(p: SimulatedPolicy, it: BenchItem, seed: string, pick = 0, k = 1) {
  const steps: string[] = [];
  for (let d = 0; d < 100; d++) {
    const props = p.proposeSync({ problem: it.problem, steps, k, seed: `${seed}/${d}` });
    if (!props.length) break;
    const s = props[Math.min(pick, props.length - 1)]!;
    steps.push(s.text);
    if (s.terminal) return { steps, answer: s.answer ?? null };
  }
  return { steps, answer: null };
}

test('helpers: annotations, arithmetic, boxed, splits', () => {
  assert.is(evaluate('16-3-4'), 9);
  assert.is(evaluate('(2+3)*4/2'), 10);
  assert.is(evaluate('2^3^2'), 512);
  assert.is(evaluate('2+'), null);
  assert.is(stripAnnotations('a 9 * 2 = $<<9*2=18>>18 b'), 'a 9 * 2 = $18 b');
  const m = new Map([['9', '10']]);
  assert.is(carry('She makes 9 * 2 = $<<9*2=18>>18 every day', m), 'She makes 10 * 2 = $<<10*2=20>>20 every day');
  assert.is(m.get('18'), '20');
  assert.is(lastBoxed('x \\boxed{\\frac{1}{2}} and \\boxed{3}'), '3');
  assert.is(lastBoxed('\\boxed{\\left( 3, \\frac{\\pi}{2} \\right)}.'), '\\left( 3, \\frac{\\pi}{2} \\right)');
  assert.equal(splitLines('a\nb\n#### 5'), { steps: ['a', 'b'], answer: '5' });
  assert.equal(splitLines('a\nA: 7'), { steps: ['a'], answer: '7' });
  assert.equal(splitProse('We have $x = 2.5$. So $y = 3$. Thus \\boxed{3}. If we checked, fine.'), ['We have $x = 2.5$.', 'So $y = 3$.', 'Thus \\boxed{3}.']);
  assert.equal(splitProse('P one.\n\n[asy]\na;\n\nb;\n[/asy]\n\nSo \\boxed{1}.'), ['P one.', '[asy]\na;\n\nb;\n[/asy]', 'So \\boxed{1}.']);
});

test('errorRate 0 proposes the reference steps; 1 changes a number and carries it to a wrong answer', () => {
  const items = lookup([janet]);
  const right = walk(new SimulatedPolicy({ items, errorRate: 0 }), janet, 's');
  assert.equal(right.steps, ['Janet sells 16 - 3 - 4 = 9 duck eggs a day.', 'She makes 9 * 2 = $18 every day at the farmer’s market.\n#### 18']);
  assert.is(right.answer, '18');
  const wrong = walk(new SimulatedPolicy({ items, errorRate: 1, seed: 3 }), janet, 's');
  assert.is.not(wrong.answer, '18');
  assert.ok(wrong.steps[1]!.endsWith(`#### ${wrong.answer}`));
  const kept = walk(new SimulatedPolicy({ items, errorRate: 0, annotations: 'keep' }), janet, 's');
  assert.match(kept.steps[0]!, '<<16-3-4=9>>');
});

test('deterministic per (seed, problem, request seed); samples of one call differ', () => {
  const items = lookup([janet]);
  const a = new SimulatedPolicy({ items, errorRate: 0.5, seed: 1 });
  const b = new SimulatedPolicy({ items, errorRate: 0.5, seed: 1 });
  const req = { problem: janet.problem, steps: [], k: 16, seed: '1/0/0' };
  assert.equal(a.proposeSync(req), b.proposeSync(req));
  assert.ok(new Set(a.proposeSync(req).map((p) => p.text)).size > 1);
  assert.not.equal(a.proposeSync(req), a.proposeSync({ ...req, seed: '1/0/8' }));
  assert.is(a.info().simulated, true);
});

test('oracle: right on the reference path, wrong from the first corrupted step on; noise is seeded', async () => {
  const items = lookup([janet]);
  const clean = walk(new SimulatedPolicy({ items, errorRate: 0 }), janet, 's');
  const bad = walk(new SimulatedPolicy({ items, errorRate: 1, seed: 2 }), janet, 's');
  const o = new OraclePRM();
  const [r0, r1, b0, b1] = await o.score([
    { problem: janet.problem, prefix: [], step: clean.steps[0]!, key: 'a' },
    { problem: janet.problem, prefix: clean.steps.slice(0, 1), step: clean.steps[1]!, key: 'b' },
    { problem: janet.problem, prefix: [], step: bad.steps[0]!, key: 'c' },
    { problem: janet.problem, prefix: bad.steps.slice(0, 1), step: bad.steps[1]!, key: 'd' },
  ]);
  assert.ok(r0! > 0.99 && r1! > 0.99 && b0! < 0.01 && b1! < 0.01);
  // an error in the prefix makes a later reference-looking step wrong too
  assert.ok(o.scoreOne({ problem: janet.problem, prefix: bad.steps.slice(0, 1), step: clean.steps[1]! }) < 0.01);
  // judged from the parent's cached verdict, the same scores
  const keyed = new OraclePRM();
  const [k0, k1] = await keyed
    .score([{ problem: janet.problem, prefix: [], step: bad.steps[0]!, key: 'x' }])
    .then(async (a) => [
      ...a,
      ...(await keyed.score([{ problem: janet.problem, prefix: bad.steps.slice(0, 1), step: clean.steps[1]!, key: 'y', parentKey: 'x' }])),
    ]);
  assert.ok(k0! < 0.01 && k1! < 0.01);
  keyed.release(['x', 'y']);
  const noisy = new OraclePRM({ noise: 3, seed: 1 });
  const viaParent = new OraclePRM({ noise: 3, seed: 1 });
  viaParent.scoreOne({ problem: janet.problem, prefix: [], step: clean.steps[0]!, key: 'p' });
  assert.is(
    viaParent.scoreOne({ problem: janet.problem, prefix: clean.steps.slice(0, 1), step: clean.steps[1]!, key: 'c', parentKey: 'p' }),
    noisy.scoreOne({ problem: janet.problem, prefix: clean.steps.slice(0, 1), step: clean.steps[1]! }),
  );
  const s1 = noisy.scoreOne({ problem: janet.problem, prefix: [], step: clean.steps[0]! });
  assert.is(noisy.scoreOne({ problem: janet.problem, prefix: [], step: clean.steps[0]! }), s1);
  assert.ok(s1 !== r0);
  assert.throws(
    () => o.scoreOne({ problem: janet.problem, prefix: [], step: 'a step nobody proposed' }),
    (e: unknown) => e instanceof SteptreeError && /simulated policy/.test((e as Error).message),
  );
  assert.is(o.info().simulated, true);
  // the marks live outside the text and the problem
  assert.not.match(JSON.stringify({ bad, problem: janet.problem }), /corrupt|deviat/);
});

test('registries: simulated needs items; oracle loads by name', async () => {
  try {
    await policyKinds.simulated!.create({ seed: 1, options: {} });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, InvalidOptionError);
  }
  const p = await policyKinds.simulated!.create({ seed: 1, options: { errorRate: 0 }, items: lookup([janet]) });
  assert.is(p.name, 'simulated');
  assert.is(policyKinds.simulated!.simulated, true);
  assert.is((await loadPRM('oracle', { seed: 1, noise: 0.5 })).name, 'oracle');
  const missing = new SimulatedPolicy({ items: () => undefined });
  try {
    missing.proposeSync({ problem: { id: 'nope', text: '' }, steps: [], k: 1, seed: 's' });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, 'nope');
  }
});

test('GSM8K test (1,319): errorRate 0 ends on every reference answer, errorRate 1 on a wrong one', () => {
  if (!hasData('gsm8k/test.jsonl')) return;
  const items = gsm8kItems();
  const get = lookup(items);
  const right = new SimulatedPolicy({ items: get, errorRate: 0 });
  const wrong = new SimulatedPolicy({ items: get, errorRate: 1, seed: 5 });
  let ok = 0,
    bad = 0;
  for (const it of items) {
    if (walk(right, it, 'x').answer === it.reference) ok++;
    const w = walk(wrong, it, 'x').answer;
    if (w !== null && w !== it.reference && Number(w.replace(/,/g, '')) !== Number(it.reference.replace(/,/g, ''))) bad++;
  }
  assert.is(ok, items.length);
  assert.is(bad, items.length);
});

test('MATH-500: errorRate 0 ends on the boxed reference; errorRate 1 on a different answer', () => {
  if (!hasData('math/math500_test.jsonl')) return;
  const items = math500Items();
  const get = lookup(items);
  const right = new SimulatedPolicy({ items: get, errorRate: 0 });
  const wrong = new SimulatedPolicy({ items: get, errorRate: 1, seed: 5 });
  let ok = 0,
    bad = 0;
  for (const it of items) {
    const r = walk(right, it, 'x');
    if (r.answer === lastBoxed(it.solution!)) ok++;
    const w = walk(wrong, it, 'x');
    if (w.answer !== r.answer) bad++;
  }
  assert.is(ok, items.length);
  // word answers (\text{even}) too: a corrupted trajectory never ends right
  assert.is(bad, items.length);
});

test('through the engine: beam with the oracle finds the reference answers; the tree is byte-identical per seed and holds no marks', async () => {
  if (!hasData('gsm8k/test.jsonl')) return;
  const items = gsm8kItems().slice(0, 40);
  const get = lookup(items);
  const run = async (strategy: ReturnType<typeof beam>, seed: number) => {
    const policy = new SimulatedPolicy({ items: get, errorRate: 0.3, seed: 1 });
    const prm = new OraclePRM({ noise: 0.5, seed: 1 });
    return Promise.all(items.map((it) => search({ problem: it.problem, policy, prm, strategy, seed })));
  };
  const beams = await run(beam({ n: 8, beamWidth: 4 }), 1);
  const greedies = await run(greedy(), 1);
  const right = (rs: typeof beams) => rs.filter((r, i) => r.best?.answer === items[i]!.reference).length;
  assert.ok(right(beams) >= 38, `beam ${right(beams)}/40`);
  assert.ok(right(greedies) < right(beams), `greedy ${right(greedies)} vs beam ${right(beams)}`);
  const again = await run(beam({ n: 8, beamWidth: 4 }), 1);
  assert.equal(
    again.map((r) => stringifyTree(r)),
    beams.map((r) => stringifyTree(r)),
  );
  // the tree carries the problem as search saw it (no reference) and step texts only
  const tree = JSON.parse(stringifyTree(beams[0]!));
  assert.equal(tree.problem, items[0]!.problem);
  assert.not.match(JSON.stringify(tree), /deviat|corrupt|<</);
});

test('forget drops the marks of a problem, so the oracle no longer knows its steps; other problems keep theirs', () => {
  markStep('p/1', 1, 'a', true);
  markStep('p/2', 1, 'a', false);
  new SimulatedPolicy({ items: () => undefined }).forget('p/1');
  assert.is(stepDeviates('p/1', 1, 'a'), undefined);
  assert.is(stepDeviates('p/2', 1, 'a'), false);
});

test.run();
