import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// `steptree grade` through bin/steptree.js: tsx registered by API, so the symbolic worker must bring its own loader.
const bin = new URL('../../bin/steptree.js', import.meta.url).pathname;
const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'grade', ...args], { encoding: 'utf8', timeout: 120_000 });

test('prints true or false', () => {
  const yes = run('--dataset', 'math', '--pred', 'so the answer is $\\boxed{\\dfrac12}$.', '--ref', '0.5');
  assert.equal([yes.status, yes.stdout], [0, 'true\n'], yes.stderr);
  const no = run('--dataset', 'gsm8k', '--pred', 'She pays $18.50.', '--ref', '18');
  assert.equal([no.status, no.stdout], [0, 'false\n'], no.stderr);
});

test('--explain names the rule, the extracted answer and both normal forms; the symbolic stage runs in the CLI', () => {
  const r = run('--dataset', 'math', '--pred', 'We get $\\boxed{x^2+2x+1}$.', '--ref', '(x+1)^2', '--explain');
  assert.is(r.status, 0, r.stderr);
  assert.match(
    r.stdout,
    /^true\nrule: symbolic \(stage 2, status ok\)\nextracted: "x\^2\+2x\+1" by boxed\nprediction normal form: "x\^2\+2x\+1"\nreference normal form: "\(x\+1\)\^2"/,
  );
  const s1 = run('--dataset', 'math500', '--pred', '\\left( 1, \\frac{1}{2} \\right]', '--ref', '(1, 0.5]', '--explain');
  assert.match(s1.stdout, /^true\nrule: (normalized\+)?rational \(stage 1/);
});

test('--pred-file reads a prediction; bad flags exit 2 naming the flag', () => {
  const dir = mkdtempSync(join(tmpdir(), 'steptree-grade-'));
  const f = join(dir, 'pred.txt');
  writeFileSync(f, 'Step 1: 2 + 2 = 4\n#### 4\n');
  const r = run('--dataset', 'gsm8k', '--pred-file', f, '--ref', '4');
  assert.equal([r.status, r.stdout], [0, 'true\n'], r.stderr);
  for (const [args, re] of [
    [['--dataset', 'mmlu', '--pred', '1', '--ref', '1'], /--dataset/],
    [['--dataset', 'math', '--ref', '1'], /--pred/],
    [['--dataset', 'math', '--pred', '1', '--ref', '1', '--timeout-ms', 'soon'], /--timeout-ms/],
    [['--dataset', 'math', '--pred', '1', '--ref', '1', '--tolerance', '-1'], /--tolerance/],
    [['--dataset', 'math', '--pred-file', join(dir, 'missing.txt'), '--ref', '1'], /--pred-file.*missing/],
  ] as const) {
    const b = run(...args);
    assert.is(b.status, 2, `${args.join(' ')}: ${b.stderr}`);
    assert.match(b.stderr, re);
  }
});

test.run();
