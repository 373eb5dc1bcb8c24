import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { search, stringifyTree, beam } from '../../src/index.ts';
import { parseTree, type TreeJSON } from '../../src/search/schema.ts';
import { arithProblem } from '../../src/tasks/arith.ts';
import { renderTreeViewer } from '../../src/viewer/index.ts';
import { haveChromium, launchChromium } from '../helpers/browser.ts';
import type { Policy } from '../../src/policy/types.ts';
import { arithPolicy, verifier } from '../search/helpers.ts';
import { syntheticTree } from './trees.ts';

const viewer = suite<{ browser?: Browser }>('tree viewer in chromium');
const dir = mkdtempSync(join(tmpdir(), 'steptree-viewer-'));

async function open(ctx: { browser?: Browser }, tree: TreeJSON, name: string): Promise<{ page: Page; errors: string[] }> {
  const file = join(dir, `${name}.html`);
  writeFileSync(file, renderTreeViewer(tree));
  const page = await ctx.browser!.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(5000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => !r.url().startsWith('file:') && !r.url().startsWith('data:') && errors.push(`network: ${r.url()}`));
  await page.goto(pathToFileURL(file).href);
  return { page, errors };
}

const treeOf = async (policy: Policy, seed = 4) => {
  const r = await search({ problem: arithProblem(seed, { length: 5 }), policy, prm: verifier(0.5), strategy: beam({ n: 6, beamWidth: 3 }), seed });
  return parseTree(stringifyTree(r)).json;
};

viewer.before(async (ctx) => {
  if (haveChromium('tree viewer browser tests')) ctx.browser = await launchChromium();
});
viewer.after(async (ctx) => ctx.browser?.close());

viewer('renders every node of a small tree, the best path, and the node text on click', async (ctx) => {
  if (!ctx.browser) return;
  const tree = await treeOf(arithPolicy(0.3));
  const { page, errors } = await open(ctx, tree, 'small');
  assert.is(await page.locator('g.node').count(), tree.nodes.length, 'one element per node');
  const bestPath = tree.bestId!.split('.').length;
  assert.is(await page.locator('g.node.best').count(), bestPath, 'the best path is highlighted');
  const target = tree.nodes.find((n) => n.depth === 2)!;
  await page.locator(`g.node[data-id="${target.id}"]`).dispatchEvent('click');
  assert.is(await page.locator('#panel pre').textContent(), target.text);
  assert.match((await page.locator('#panel').textContent()) ?? '', `Node ${target.id}`);
  const fills = await page.evaluate(() => new Set([...document.querySelectorAll('g.node > circle:not(.ring)')].map((c) => c.getAttribute('fill'))).size);
  assert.ok(fills > 2, `nodes coloured by score (${fills} colours)`);
  assert.equal(errors, []);
  await page.close();
});

viewer('a screenshot is not blank', async (ctx) => {
  if (!ctx.browser) return;
  const { page } = await open(ctx, await treeOf(arithPolicy(0.3), 6), 'shot');
  const png = await page.screenshot();
  const colours = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    [c.width, c.height] = [img.width, img.height];
    const g = c.getContext('2d')!;
    g.drawImage(img, 0, 0);
    const px = g.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < px.length; i += 4 * 97) seen.add((px[i]! << 16) | (px[i + 1]! << 8) | px[i + 2]!);
    return seen.size;
  }, png.toString('base64'));
  assert.ok(colours > 20, `${colours} distinct colours sampled`);
  await page.close();
});

viewer('model text is inserted as text: hostile steps do not execute', async (ctx) => {
  if (!ctx.browser) return;
  const evil = [
    '<img src=x onerror="window.__xss=1">',
    '<script>window.__xss=2</script>',
    '</script><script>window.__xss=3</script>',
    '<svg onload="window.__xss=4">',
  ];
  const tree = syntheticTree(2, 2, (id) => evil[id.length % evil.length]!);
  tree.problem = { id: 'x', text: evil[0]! };
  const { page, errors } = await open(ctx, tree, 'xss');
  for (const n of tree.nodes.filter((x) => x.depth === 2)) await page.locator(`g.node[data-id="${n.id}"]`).first().dispatchEvent('click'); // some lie outside the viewport
  assert.is(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
  assert.is(await page.locator('img').count(), 0);
  assert.is(await page.locator('#panel pre').textContent(), tree.nodes.at(-1)!.text, 'shown literally');
  assert.equal(errors, []);
  await page.close();
});

viewer('a 10^4-node tree opens collapsed, search reveals a deep node, "more" pages wide nodes', async (ctx) => {
  if (!ctx.browser) return;
  const tree = syntheticTree(10, 4); // 11,111 nodes
  const { page, errors } = await open(ctx, tree, 'big');
  const listed = await page.locator('g.node').count();
  assert.ok(listed <= 450 && listed > 10, `${listed} nodes listed at first`);
  await page.fill('#search', 'step 0.7.3.9.2');
  await page.press('#search', 'Enter');
  assert.is(await page.locator('g.node.selected').getAttribute('data-id'), '0.7.3.9.2');
  assert.match((await page.locator('#found').textContent()) ?? '', /^1 match$/);
  const wide = syntheticTree(250, 1);
  const w = await open(ctx, wide, 'wide');
  assert.is(await w.page.locator('g.node').count(), 101, 'root + a first page of 100 children');
  await w.page.locator('g.more').dispatchEvent('click');
  assert.is(await w.page.locator('g.node').count(), 201);
  assert.equal([...errors, ...w.errors], []);
  await page.close();
  await w.page.close();
});

viewer.run();
