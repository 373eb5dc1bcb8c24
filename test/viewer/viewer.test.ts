import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { autoCollapseDepth, renderTreeViewer, scriptSafeJSON, viewerData } from '../../src/viewer/index.ts';
import { syntheticTree } from './trees.ts';

const bin = new URL('../../bin/steptree.js', import.meta.url).pathname;
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

test('the page is self-contained: d3 inlined, a no-network policy, no external src or href', () => {
  const html = renderTreeViewer(syntheticTree(2, 3));
  assert.match(html, /default-src 'none'/);
  assert.match(html, /d3-hierarchy\/ v3/);
  assert.not.match(html, /<script[^>]+src=/i);
  assert.not.match(html, /<link[^>]+href=/i);
  assert.not.match(html, /\bimport\s*\(/);
});

test('hostile text cannot close the data script or open a tag', () => {
  const evil = '</script><script>window.__xss=1</script><!-- \u2028';
  const html = renderTreeViewer(syntheticTree(1, 2, () => evil));
  const data = html.slice(html.indexOf('<script id="tree-data"'), html.indexOf('</script>', html.indexOf('<script id="tree-data"')));
  assert.not.ok(data.slice(30).includes('<'), 'no raw < inside the data block');
  assert.is(JSON.parse(scriptSafeJSON(evil)), evil, 'escaping round-trips');
  assert.is((html.match(/<\/script>/g) ?? []).length, 3, "only the page's own three scripts close");
});

test('autoCollapseDepth keeps the listed part small; the best path stays in the data', () => {
  assert.is(autoCollapseDepth([0, 1, 1, 2, 2, 2, 2], 400), 3, 'a small tree is fully open');
  assert.is(autoCollapseDepth([0, ...Array(10).fill(1), ...Array(100).fill(2), ...Array(1000).fill(3)], 400), 2);
  const big = syntheticTree(4, 6); // 5,461 nodes
  const d = viewerData(big);
  assert.is(d.nodes.length, big.nodes.length);
  assert.ok(d.collapseDepth >= 1 && d.collapseDepth <= 4, String(d.collapseDepth));
  assert.is(d.nodes[d.best]!.id, big.bestId);
});

test('steptree view writes TREE.html beside the tree; bad files are named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'steptree-view-'));
  const tree = join(dir, 'tree.json');
  assert.is(run('solve', '--strategy', 'beam', '--seed', '2', '--out', tree, '--json').status, 0);
  const r = run('view', tree);
  assert.is(r.status, 0, r.stderr);
  assert.ok(existsSync(join(dir, 'tree.html')));
  assert.match(readFileSync(join(dir, 'tree.html'), 'utf8'), /arith-2-L10/);
  const missing = run('view', join(dir, 'nope.json'));
  assert.is(missing.status, 2);
  assert.match(missing.stderr, /nope\.json: no such file/);
  writeFileSync(join(dir, 'bad.json'), '{"schemaVersion": 1, "nodes": []}');
  const bad = run('view', join(dir, 'bad.json'), '--out', join(dir, 'bad.html'));
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /bad\.json: problem/);
  assert.not.ok(existsSync(join(dir, 'bad.html')), 'nothing written for a bad tree');
  const page = run('view', tree, '--out', join(dir, 'page.html'), '--page-size', '0');
  assert.is(page.status, 2);
  assert.match(page.stderr, /`--page-size`: expected a positive integer, got 0/);
  assert.not.ok(existsSync(join(dir, 'page.html')), 'nothing written for a bad flag');
});

test.run();
