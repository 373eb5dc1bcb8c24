/**
 * What an arith PRM is worth to a search. Prints two tables (or JSON with --json).
 * 1. Siblings: under a correct prefix, how often the right step outscores a slip of it, by slip size (60 fresh
 *    problems × 10 steps per size). Odd sizes flip the last digit's parity; ±10/±20 change only the tens digit.
 * 2. Solve rates: strategies × PRMs (the model, a constant score, the exact verifier) on arithProblem(0..P−1),
 *    policy error rate e, seed = problem index.
 * Run: npx tsx benchmarks/arith-prm.ts [--model DIR (default models/arith-prm)] [--problems 100] [--error-rate 0.3] [--json]
 */
import { parseArgs } from 'node:util';
import type { PRM } from '../src/reward/types.ts';
import { TfjsPRM } from '../src/reward/tfjs/index.ts';
import { beam, bestOfN, dvts, search, type StrategySpec } from '../src/index.ts';
import { applyOp, arithMeta, arithProblem, ArithPolicy, gradeArith, stepText, VerifierPRM } from '../src/tasks/arith.ts';
import type { AggregationName, SelectionName } from '../src/core/aggregate.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'models/arith-prm' },
    problems: { type: 'string', default: '100' },
    'error-rate': { type: 'string', default: '0.3' },
    json: { type: 'boolean' },
  },
});
const P = Number(values.problems),
  errorRate = Number(values['error-rate']);
const model = await TfjsPRM.load(values.model!, { backendDeps: { log: () => {} } });
const constant: PRM = { name: 'constant', score: async (reqs) => reqs.map(() => 0.5) };

// 1. siblings
const sizes = [1, -1, -3, 5, -11, 19, 2, -20, -10, 10];
const wins = new Map(sizes.map((o) => [o, 0]));
const SIB = 60;
for (let s = 0; s < SIB; s++) {
  const problem = arithProblem(`sibling-bench-${s}`),
    m = arithMeta(problem);
  let v = m.start;
  const truth: string[] = [];
  for (let i = 0; i < m.ops.length; i++) {
    const { op, a } = m.ops[i]!,
      r = applyOp(v, op, a),
      parentKey = i ? `r${s}.${i - 1}` : undefined;
    const step = (x: number, key: string) => ({ problem, prefix: truth, step: stepText(v, op, a, (x + 1000) % 1000), key, parentKey });
    const scores = await model.score([step(r, `r${s}.${i}`), ...sizes.map((o) => step(r + o, `w${s}.${i}.${o}`))]);
    sizes.forEach((o, j) => scores[0]! > scores[j + 1]! && wins.set(o, wins.get(o)! + 1));
    truth.push(stepText(v, op, a, r));
    v = r;
  }
}
const siblings = sizes.map((o) => ({ slip: o, wins: wins.get(o)! / (SIB * 10) }));

// 2. solve rates
const configs: [string, () => StrategySpec, AggregationName, SelectionName][] = [
  ['beam N=8 M=4, last', () => beam({ n: 8, beamWidth: 4 }), 'last', 'best'],
  ['beam N=8 M=4, min', () => beam({ n: 8, beamWidth: 4 }), 'min', 'best'],
  ['DVTS N=16 M=4, min, weighted', () => dvts({ n: 16, beamWidth: 4 }), 'min', 'weighted'],
  ['best-of-16, min, weighted', () => bestOfN({ n: 16 }), 'min', 'weighted'],
  ['best-of-16, majority', () => bestOfN({ n: 16 }), 'min', 'majority'],
];
const prms: [string, PRM][] = [
  ['model', model],
  ['constant', constant],
  ['verifier', new VerifierPRM()],
];
const solves: { strategy: string; prm: string; solved: number; of: number }[] = [];
for (const [name, strategy, aggregation, selection] of configs)
  for (const [prmName, prm] of prms) {
    let solved = 0;
    for (let s = 0; s < P; s++) {
      const problem = arithProblem(s);
      const r = await search({ problem, policy: new ArithPolicy({ errorRate }), prm, strategy: strategy(), seed: s, aggregation, selection });
      if (gradeArith(problem, r.best?.answer ?? null)) solved++;
    }
    solves.push({ strategy: name, prm: prmName, solved, of: P });
  }
model.dispose();

if (values.json) console.log(JSON.stringify({ model: values.model, errorRate, siblings, solves }, null, 2));
else {
  console.log(`model ${values.model}\n\nright step above a slip of it, same correct prefix (${SIB * 10} pairs per size)`);
  console.log(
    siblings.map((r) => `${r.slip > 0 ? '+' : ''}${r.slip}`.padStart(6)).join('') + '\n' + siblings.map((r) => r.wins.toFixed(2).padStart(6)).join(''),
  );
  console.log(`\nsolved of ${P}, policy error rate ${errorRate}\n${'strategy'.padEnd(30)}${prms.map(([n]) => n.padStart(10)).join('')}`);
  for (const [name] of configs)
    console.log(name.padEnd(30) + prms.map(([n]) => String(solves.find((r) => r.strategy === name && r.prm === n)!.solved).padStart(10)).join(''));
}
