import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aggregations, getAggregation, selections, answerKey } from '../src/core/aggregate.ts';
import { InvalidOptionError } from '../src/core/errors.ts';

test('incremental aggregation equals the batch form on every registry entry', () => {
  const scores = [0.9, 0.4, 0.75, 1, 0.2];
  for (const a of Object.values(aggregations)) {
    let v = 0;
    scores.forEach((s, i) => (v = a.extend(v, i + 1, s)));
    assert.ok(Math.abs(v - a.of(scores)) < 1e-12, a.name);
  }
  assert.is(aggregations.min.of(scores), 0.2);
  assert.ok(Math.abs(aggregations.prod.of(scores) - 0.9 * 0.4 * 0.75 * 0.2) < 1e-12);
});

test('user aggregation and unknown names', () => {
  const g = getAggregation((s) => s.length);
  assert.is(g.of([1, 2, 3]), 3);
  assert.throws(
    () => getAggregation('median' as never),
    (e: unknown) => e instanceof InvalidOptionError && /aggregation/.test((e as Error).message),
  );
});

test('majority and weighted votes differ from best', () => {
  const c = [
    { nodeId: '0.0', answer: '5', value: 0.9, count: 1 },
    { nodeId: '0.1', answer: '7', value: 0.5, count: 1 },
    { nodeId: '0.2', answer: '7.0', value: 0.5, count: 1 },
  ];
  assert.is(selections.best(c)[0]!.answer, '5');
  assert.is(answerKey(selections.majority(c)[0]!.answer), '7');
  assert.is(answerKey(selections.weighted(c)[0]!.answer), '7'); // 1.0 > 0.9
  assert.is(selections.weighted([{ ...c[0]!, value: 1.2 }, c[1]!, c[2]!])[0]!.answer, '5');
});

test.run();
