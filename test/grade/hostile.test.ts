import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeGraders, gradeAnswer } from '../../src/grade/index.ts';
import { SymbolicPool } from '../../src/grade/pool.ts';

// Hostile answers return within the time limit, as a grade (timeout / error / false), never a crash.
// The bound below is the limit plus a worker's start-up, far above a normal grade: not a speed test.
const LIMIT = 1500;
const BOUND = LIMIT + 20_000;

test.after(() => closeGraders());

async function timed(p: string, r: string) {
  const t0 = Date.now();
  const g = await gradeAnswer('math', p, r, { timeoutMs: LIMIT });
  const ms = Date.now() - t0;
  assert.ok(ms < BOUND, `${p.slice(0, 40)} took ${ms} ms`);
  if (process.env.GRADE_DEBUG) console.log(p.slice(0, 30), ms, g.status, g.rule);
  return g;
}

test('10^{10^{10}} is an error or a timeout, not an out-of-memory crash', async () => {
  const g = await timed('10^{10^{10}}', '1');
  assert.is(g.correct, false);
  assert.ok(g.status !== 'ok' || g.rule.startsWith('symbolic'), JSON.stringify(g));
});

test('a hang is cut at the time limit and reported as timeout; the next grade still works', async () => {
  const g = await timed('\\sum_{n=1}^{10^{9}} n', '5');
  assert.equal([g.correct, g.status, g.stage], [false, 'timeout', 2]);
  const after = await timed('x^2+2x+1', '(x+1)^2');
  assert.equal([after.correct, after.status, after.rule], [true, 'ok', 'symbolic']);
  // 7^{7^{7}} mod 10 ran 20 s in-process in an older release; here it is decided or cut
  const m = await timed('7^{7^{7}} \\bmod 10', '3');
  assert.ok(m.status === 'timeout' || m.correct, JSON.stringify(m));
});

test('50 KB of nested braces, a 1 MB answer, deep nesting sent to the symbolic stage', async () => {
  const deep = '{'.repeat(25_000) + 'x' + '}'.repeat(25_000);
  const g1 = await timed(`\\boxed{${deep}}`, 'y');
  assert.is(g1.correct, false);
  const g2 = await timed(`\\boxed{${'9'.repeat(1_000_000)}}`, '9');
  assert.equal([g2.correct, g2.status], [false, 'ok']);
  const g3 = await timed('so the answer is ' + 'a '.repeat(500_000), '1');
  assert.is(g3.correct, false);
  const g4 = await timed(`\\boxed{${'{'.repeat(900)}x${'}'.repeat(900)}}`, 'x+0');
  assert.ok(g4.status !== 'ok' || g4.stage === 2, JSON.stringify(g4));
});

test('concurrent grades share the pool; one that hangs times out alone', async () => {
  const pairs = [
    ['x^2+2x+1', '(x+1)^2', true],
    ['2\\sqrt{2}', '\\sqrt{8}', true],
    ['x+1', 'x+2', false],
    ['\\sqrt{2}\\sqrt{3}', '\\sqrt{6}', true],
    ['(x-1)(x+1)', 'x^2-1', true],
    ['\\pi', '3.14', false],
  ] as const;
  const hang = gradeAnswer('math', '\\sum_{n=1}^{10^{9}} n', '5', { timeoutMs: LIMIT });
  const rs = await Promise.all(pairs.map(([p, r]) => gradeAnswer('math', p, r, { timeoutMs: 10_000 })));
  assert.equal(
    rs.map((g) => [g.status, g.correct]),
    pairs.map(([, , want]) => ['ok', want]),
  );
  assert.is((await hang).status, 'timeout');
});

test('a worker that exhausts its heap is killed by resourceLimits; the job is an error, the process lives', async () => {
  const pool = new SymbolicPool({ size: 1, maxMemoryMb: 64, workerUrl: new URL('./oom-worker.mjs', import.meta.url) });
  const o = await pool.compare([['1', '1', 'value']], 60_000);
  assert.is(o.status, 'error');
  assert.match((o as { message: string }).message, /memory|crashed|exited/i);
  await pool.close();
  assert.equal(await pool.compare([['1', '1', 'value']], 1000), { status: 'error', message: 'symbolic pool is closed' });
});

test.run();
