import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrontierRow, Point } from '../../src/experiments/analyze.ts';
import { writeOutputs } from '../../src/experiments/outputs.ts';
import { figures } from '../../src/experiments/plots.ts';

const iv = (m: number) => ({ mean: m, lo: m - 0.05, hi: m + 0.05 });
const points: Point[] = ['beam M=4', 'rebase T=0.2', 'best-of-n (PRM argmax)'].flatMap((method, j) =>
  [1, 2, 4, 8].map((n) => ({
    prm: 'verifier noise=1',
    method,
    kind: j === 2 ? ('pool' as const) : ('search' as const),
    n,
    accuracy: iv(0.2 + 0.05 * Math.log2(n) + 0.02 * j),
    tokens: 40 * n,
    policyCalls: 6 * n,
    prmCalls: 6 * n,
    problems: 10,
    seeds: 2,
  })),
);
const frontier: FrontierRow[] = [1, 2, 4, 8].map((n) => ({
  prm: 'verifier noise=1',
  bin: 'all',
  n,
  frontier: 0.3,
  chosen: ['beam M=4', 'beam M=4'],
  methods: [{ method: 'beam M=4', accuracy: 0.3, diff: iv(0) }],
}));

/** Minimal XML well-formedness: every tag closes in order, one root element. */
function wellFormed(xml: string): string {
  const stack: string[] = [];
  let root = '';
  for (const m of xml.matchAll(/<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>/g)) {
    const [, close, name, , self] = m;
    if (close) assert.is(stack.pop(), name, `</${name}> closes ${stack.at(-1)}`);
    else if (!self) (stack.push(name!), (root ||= name!));
    else root ||= name!;
  }
  assert.is(stack.length, 0, `unclosed: ${stack.join(' ')}`);
  // nothing but tags and text: no stray '<'
  assert.not.ok(/<(?![\/A-Za-z!?])/.test(xml), 'stray <');
  return root;
}

const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));

test('figures are well-formed SVG with the expected series in the legend, and PNGs of the same size ×2', async () => {
  const figs = await figures(points, frontier);
  assert.equal(
    figs.map((f) => f.name),
    ['accuracy-vs-n', 'accuracy-vs-tokens', 'frontier'],
  );
  for (const f of figs) {
    assert.is(wellFormed(f.svg), 'svg', f.name);
    const w = Number(/<svg[^>]* width="(\d+)"/.exec(f.svg)![1]),
      h = Number(/<svg[^>]* height="(\d+)"/.exec(f.svg)![1]);
    const labels = texts(f.svg);
    for (const s of f.series) assert.ok(labels.includes(s), `${f.name}: legend lacks ${s} (${labels.join('|')})`);
    // PNG: signature, then IHDR with width and height (big-endian)
    const png = Buffer.from(f.png);
    assert.equal([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.is(png.subarray(12, 16).toString('latin1'), 'IHDR');
    assert.is(png.readUInt32BE(16), 2 * w);
    assert.is(png.readUInt32BE(20), 2 * h);
    // not blank: the image data is far bigger than a flat white picture compresses to
    assert.ok(png.length > 20_000, `${f.name}.png is ${png.length} bytes`);
  }
  assert.ok(figs[2]!.series.includes('compute-optimal (2-fold)'));
});

test('outputs: curves.csv, summary.json and a self-contained report.html with inline SVG', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'out-'));
  const evil = [...points, { ...points[0]!, method: '<img src=x onerror=alert(1)>' }];
  await writeOutputs(dir, { name: 'n<1>', config: { a: '</pre><script>x</script>' }, rows: [], points: evil, frontier, bins: {}, skipped: [], notes: [] });
  const csv = readFileSync(join(dir, 'curves.csv'), 'utf8').trim().split('\n');
  assert.is(csv[0], 'prm,method,kind,n,accuracy,lo,hi,tokens,policy_calls,prm_calls,problems,seeds');
  // the curves, then one frontier-n row per N of the 'all' frontier
  assert.is(csv.length, 1 + evil.length + frontier.filter((r) => r.bin === 'all').length);
  assert.ok(csv.slice(1 + evil.length).every((l) => l.includes(',frontier-n,')));
  assert.is(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).points.length, evil.length);
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  assert.ok((html.match(/<svg /g) ?? []).length >= 3);
  assert.not.ok(/<script/i.test(html), 'no script in the report');
  assert.not.ok(html.includes('<img'), 'user text is escaped');
  assert.not.ok(/(src|href)="https?:/.test(html), 'nothing loaded from the network');
});

test.run();
