import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasTinyQwen, TINY_QWEN } from './helpers.ts';

const bin = new URL('../../../bin/steptree.js', import.meta.url).pathname;
const fixtures = new URL('../../fixtures/', import.meta.url).pathname;
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 300_000 });
if (!hasTinyQwen) console.log(`SKIP hf cli: ${TINY_QWEN} is absent (the shared tiny-prm data)`);
const tmp = mkdtempSync(join(tmpdir(), 'steptree-hf-cli-'));

test('prm info / score / eval with --prm hf:DIR', () => {
  if (!hasTinyQwen) return;
  const spec = `hf:${TINY_QWEN}`;
  let r = run('prm', 'info', '--prm', spec, '--backend', 'cpu');
  assert.is(r.status, 0, r.stderr);
  const info = JSON.parse(r.stdout);
  assert.equal([info.architecture, info.backend, info.head, info.layers, info.format], ['Qwen2ForProcessRewardModel', 'cpu', 'prm-mlp', 2, 'qwen2.5-math-prm']);
  assert.ok(info.parameters > 0 && info.memory.kvBytesPerToken === 2 * 2 * 2 * 16 * 4);

  const ref = JSON.parse(readFileSync(TINY_QWEN + 'reference.json', 'utf8')).cases.find((c: { id: string }) => c.id === 'p1-4a');
  const steps = join(tmp, 'steps.json');
  writeFileSync(steps, JSON.stringify(ref.steps));
  r = run('prm', 'score', '--prm', spec, '--problem', ref.problem, '--steps', steps, '--backend', 'wasm');
  assert.is(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map(Number);
  assert.is(lines.length, ref.steps.length);
  lines.forEach((p, i) => assert.ok(Math.abs(p - ref.step_scores[i]) <= 1e-5, `step ${i}: ${p} vs ${ref.step_scores[i]}`));
  r = run('prm', 'score', '--prm', spec, '--problem', ref.problem, '--steps', steps, '--backend', 'wasm', '--json');
  assert.equal(JSON.parse(r.stdout).length, ref.steps.length);

  r = run('prm', 'eval', '--prm', spec, '--backend', 'wasm', '--data', join(fixtures, 'processbench.jsonl'), '--threshold', '0.5', '--json');
  assert.is(r.status, 0, r.stderr);
  const rep = JSON.parse(r.stdout);
  assert.is(rep.model, spec);
  assert.type(rep.metrics.f1, 'number');
});

test('prm score: a steps file that is not a JSON array of strings names the file', () => {
  if (!hasTinyQwen) return;
  const bad = join(tmp, 'bad.json');
  writeFileSync(bad, '{"steps": 1}');
  const r = run('prm', 'score', '--prm', `hf:${TINY_QWEN}`, '--problem', 'x', '--steps', bad, '--backend', 'cpu');
  assert.is.not(r.status, 0);
  assert.match(r.stderr, /bad\.json/);
});

test.run();
