import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkField, flagOf, fromFlag, leaves, numberProblem, opt, readOptions } from '../../src/core/options.ts';
import { invalidOption } from '../helpers/rejects.ts';

const schema = {
  n: opt.int({ min: 1, help: 'N' }),
  rate: opt.number({ min: 0, max: 1, default: 0.5 }),
  formula: opt.choice(['puct', 'uct'], { default: 'puct' }),
  rollout: opt.boolean({ default: false }),
  widening: opt.group({ alpha: opt.number({ min: 0, max: 1, default: 0.5 }), c: opt.number({ min: 0.01, default: 1 }) }),
};

test('defaults fill in; a given group gets its own defaults; typed result', async () => {
  const c = readOptions('s', { n: 3, widening: { c: 2 } }, schema);
  assert.equal(c, { n: 3, rate: 0.5, formula: 'puct', rollout: false, widening: { alpha: 0.5, c: 2 } });
  assert.is(readOptions('s', { n: 1 }, schema).widening, null);
  assert.is(readOptions('s', { n: 1, widening: null }, schema).widening, null);
});

test('every error names the dotted option path and what was expected', async () => {
  await invalidOption(() => readOptions('beam', {}, schema), 'beam.n', /required \(a positive integer\)/);
  await invalidOption(() => readOptions('beam', { n: -1 }, schema), 'beam.n', /expected a positive integer, got -1/);
  await invalidOption(() => readOptions('beam', { n: 2.5 }, schema), 'beam.n', /got 2\.5/);
  await invalidOption(() => readOptions('beam', { n: '4' }, schema), 'beam.n', /got "4"/);
  await invalidOption(() => readOptions('beam', { n: 1, rate: 2 }, schema), 'beam.rate', /a number in \[0, 1\], got 2/);
  await invalidOption(() => readOptions('beam', { n: 1, rate: NaN }, schema), 'beam.rate', /got/);
  await invalidOption(() => readOptions('beam', { n: 1, formula: 'ucb' }, schema), 'beam.formula', /one of puct, uct, got "ucb"/);
  await invalidOption(() => readOptions('beam', { n: 1, rollout: 1 }, schema), 'beam.rollout', /true or false/);
  await invalidOption(() => readOptions('beam', { n: 1, widening: { alpha: 3 } }, schema), 'beam.widening.alpha', /\[0, 1\]/);
  await invalidOption(() => readOptions('beam', { n: 1, widening: { beta: 3 } }, schema), 'beam.widening.beta', /unknown option \(known: alpha, c\)/);
  await invalidOption(() => readOptions('beam', { n: 1, width: 3 }, schema), 'beam.width', /unknown option/);
  await invalidOption(() => readOptions('beam', 7, schema), 'beam', /expected an object/);
  await invalidOption(() => checkField('budget.tokens', -3, opt.number({ min: 0 })), 'budget.tokens', /a number ≥ 0, got -3/);
});

test('flags: names from option paths, values parsed by type, errors name the flag', async () => {
  assert.equal(
    leaves(schema).map((l) => flagOf(l.path)),
    ['n', 'rate', 'formula', 'rollout', 'widening-alpha', 'widening-c'],
  );
  assert.is(flagOf('cPuct'), 'c-puct');
  assert.is(fromFlag('--n', '12', schema.n), 12);
  assert.is(fromFlag('--rollout', true, schema.rollout), true);
  await invalidOption(() => fromFlag('--n', '-1', schema.n), '--n', /--n.*expected a positive integer, got -1/);
  await invalidOption(() => fromFlag('--n', 'lots', schema.n), '--n', /got "lots"/);
  await invalidOption(() => fromFlag('--n', '', schema.n), '--n', /got ""/);
  assert.is(numberProblem('int', 3, { min: 0, max: 5 }), null);
  assert.is(numberProblem('int', 6, { min: 0, max: 5 }), 'expected an integer in [0, 5], got 6');
});

test('infinite: Infinity is allowed as "no limit"; -Infinity, NaN and the range still fail', async () => {
  const f = opt.number({ above: 0, infinite: true, default: 5 });
  assert.is(checkField('t.ms', Infinity, f), Infinity);
  assert.is(checkField('t.ms', 2.5, f), 2.5);
  await invalidOption(() => checkField('t.ms', -Infinity, f), 't.ms', /a number > 0 or Infinity \(none\), got null/);
  await invalidOption(() => checkField('t.ms', 0, f), 't.ms', /> 0 or Infinity/);
  await invalidOption(() => checkField('t.ms', NaN, f), 't.ms', /or Infinity/);
  // without the flag Infinity is not a number the kit accepts
  await invalidOption(() => checkField('t.n', Infinity, opt.number({ min: 0 })), 't.n', /a number ≥ 0/);
});

test.run();
