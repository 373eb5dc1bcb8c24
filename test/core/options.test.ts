import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InvalidOptionError } from '../../src/core/errors.ts';
import { checkField, flagOf, fromFlag, leaves, numberProblem, opt, readOptions } from '../../src/core/options.ts';

const schema = {
  n: opt.int({ min: 1, help: 'N' }),
  rate: opt.number({ min: 0, max: 1, default: 0.5 }),
  formula: opt.choice(['puct', 'uct'], { default: 'puct' }),
  rollout: opt.boolean({ default: false }),
  widening: opt.group({ alpha: opt.number({ min: 0, max: 1, default: 0.5 }), c: opt.number({ min: 0.01, default: 1 }) }),
};

const throwsAt = (fn: () => unknown, option: string, detail: RegExp) => {
  try {
    fn();
  } catch (e) {
    assert.instance(e, InvalidOptionError);
    assert.is((e as InvalidOptionError).option, option);
    assert.match((e as Error).message, detail);
    return;
  }
  assert.unreachable(`no error for ${option}`);
};

test('defaults fill in; a given group gets its own defaults; typed result', () => {
  const c = readOptions('s', { n: 3, widening: { c: 2 } }, schema);
  assert.equal(c, { n: 3, rate: 0.5, formula: 'puct', rollout: false, widening: { alpha: 0.5, c: 2 } });
  assert.is(readOptions('s', { n: 1 }, schema).widening, null);
  assert.is(readOptions('s', { n: 1, widening: null }, schema).widening, null);
});

test('every error names the dotted option path and what was expected', () => {
  throwsAt(() => readOptions('beam', {}, schema), 'beam.n', /required \(a positive integer\)/);
  throwsAt(() => readOptions('beam', { n: -1 }, schema), 'beam.n', /expected a positive integer, got -1/);
  throwsAt(() => readOptions('beam', { n: 2.5 }, schema), 'beam.n', /got 2\.5/);
  throwsAt(() => readOptions('beam', { n: '4' }, schema), 'beam.n', /got "4"/);
  throwsAt(() => readOptions('beam', { n: 1, rate: 2 }, schema), 'beam.rate', /a number in \[0, 1\], got 2/);
  throwsAt(() => readOptions('beam', { n: 1, rate: NaN }, schema), 'beam.rate', /got/);
  throwsAt(() => readOptions('beam', { n: 1, formula: 'ucb' }, schema), 'beam.formula', /one of puct, uct, got "ucb"/);
  throwsAt(() => readOptions('beam', { n: 1, rollout: 1 }, schema), 'beam.rollout', /true or false/);
  throwsAt(() => readOptions('beam', { n: 1, widening: { alpha: 3 } }, schema), 'beam.widening.alpha', /\[0, 1\]/);
  throwsAt(() => readOptions('beam', { n: 1, widening: { beta: 3 } }, schema), 'beam.widening.beta', /unknown option \(known: alpha, c\)/);
  throwsAt(() => readOptions('beam', { n: 1, width: 3 }, schema), 'beam.width', /unknown option/);
  throwsAt(() => readOptions('beam', 7, schema), 'beam', /expected an object/);
  throwsAt(() => checkField('budget.tokens', -3, opt.number({ min: 0 })), 'budget.tokens', /a number ≥ 0, got -3/);
});

test('flags: names from option paths, values parsed by type, errors name the flag', () => {
  assert.equal(
    leaves(schema).map((l) => flagOf(l.path)),
    ['n', 'rate', 'formula', 'rollout', 'widening-alpha', 'widening-c'],
  );
  assert.is(flagOf('cPuct'), 'c-puct');
  assert.is(fromFlag('--n', '12', schema.n), 12);
  assert.is(fromFlag('--rollout', true, schema.rollout), true);
  throwsAt(() => fromFlag('--n', '-1', schema.n), '--n', /--n.*expected a positive integer, got -1/);
  throwsAt(() => fromFlag('--n', 'lots', schema.n), '--n', /got "lots"/);
  throwsAt(() => fromFlag('--n', '', schema.n), '--n', /got ""/);
  assert.is(numberProblem('int', 3, { min: 0, max: 5 }), null);
  assert.is(numberProblem('int', 6, { min: 0, max: 5 }), 'expected an integer in [0, 5], got 6');
});

test.run();

test('infinite: Infinity is allowed as "no limit"; -Infinity, NaN and the range still fail', () => {
  const f = opt.number({ above: 0, infinite: true, default: 5 });
  assert.is(checkField('t.ms', Infinity, f), Infinity);
  assert.is(checkField('t.ms', 2.5, f), 2.5);
  throwsAt(() => checkField('t.ms', -Infinity, f), 't.ms', /a number > 0 or Infinity \(none\), got null/);
  throwsAt(() => checkField('t.ms', 0, f), 't.ms', /> 0 or Infinity/);
  throwsAt(() => checkField('t.ms', NaN, f), 't.ms', /or Infinity/);
  // without the flag Infinity is not a number the kit accepts
  throwsAt(() => checkField('t.n', Infinity, opt.number({ min: 0 })), 't.n', /a number ≥ 0/);
});
