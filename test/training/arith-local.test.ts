import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { arithLocalExamples } from '../../src/training/arith-local.ts';

const STEP = /^(\d+) ([+\-*]) (\d+) = (\d+)$/;
const apply = (v: number, op: string, a: number) => (((op === '+' ? v + a : op === '-' ? v - a : v * a) % 1000) + 1000) % 1000;

test('labels are exact, about half slips, and slips include tens-only ones', () => {
  const ex = arithLocalExamples({ count: 2000, seed: 3, tensShare: 0.5 });
  assert.is(ex.length, 2000);
  let wrong = 0,
    tens = 0;
  for (const e of ex) {
    const [, v, op, a, r] = STEP.exec(e.step)!;
    const right = apply(Number(v), op!, Number(a));
    assert.is(e.label, right === Number(r) ? 1 : 0, e.step);
    if (!e.label) {
      wrong++;
      const d = (Number(r) - right + 1000) % 1000;
      if ([10, 20, 980, 990].includes(d)) tens++;
    }
  }
  assert.ok(wrong > 900 && wrong < 1100, `slips ${wrong}`);
  assert.ok(tens > wrong * 0.45, `tens-only slips ${tens} of ${wrong}`);
});

test.run();
