import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { TreeJSON } from '../search/schema.ts';
import { viewerClient, type ViewerData, type ViewerNode } from './client.ts';
import { VIEWER_CSS } from './style.ts';

export interface ViewerOptions {
  /** Page title (default: the problem id and strategy). */
  readonly title?: string;
  /** Nodes deeper than this start collapsed (the best path is always open). Default: as deep as keeps ≤ 400 nodes listed. */
  readonly collapseDepth?: number;
  /** Children listed under a node before a "+N more" entry (default 100). */
  readonly pageSize?: number;
}

let d3Source: string | undefined;
function d3Hierarchy(): string {
  // the UMD build sits beside the package's ESM entry
  const entry = createRequire(import.meta.url).resolve('d3-hierarchy');
  return (d3Source ??= readFileSync(join(dirname(entry), 'd3-hierarchy.min.js'), 'utf8'));
}

/** JSON that is safe inside a <script> element: no `</script>`, no `<!--`, no JS line separators. */
export function scriptSafeJSON(v: unknown): string {
  return JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const escapeHTML = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Default collapse depth: the deepest level that keeps at most `cap` nodes listed. */
export function autoCollapseDepth(depths: readonly number[], cap = 400): number {
  const perDepth: number[] = [];
  for (const d of depths) perDepth[d] = (perDepth[d] ?? 0) + 1;
  let listed = 0;
  for (let d = 0; d < perDepth.length; d++) {
    listed += perDepth[d] ?? 0;
    if (listed > cap) return Math.max(1, d - 1); // open depths < d-1, so depths ≤ d-1 are listed
  }
  return perDepth.length;
}

export function viewerData(tree: TreeJSON, o: ViewerOptions = {}): ViewerData {
  const index = new Map(tree.nodes.map((n, i) => [n.id, i]));
  const nodes: ViewerNode[] = tree.nodes.map((n) => ({
    id: n.id,
    p: n.parent === null ? -1 : index.get(n.parent)!,
    t: n.text,
    s: n.score,
    v: n.value,
    n: n.visits,
    q: n.q,
    term: n.terminal,
    a: n.answer,
    f: n.failed,
    c: n.count,
    k: n.tokens,
    r: n.rollout,
  }));
  const s = tree.stats;
  const best = tree.bestId === null ? undefined : tree.nodes[index.get(tree.bestId)!];
  const header = [
    { label: 'problem', value: tree.problem.text },
    { label: 'strategy', value: `${tree.strategy.name} ${JSON.stringify(tree.strategy.config)}` },
    { label: 'seed', value: tree.seed },
    { label: 'aggregation / selection', value: `${tree.aggregation} / ${tree.selection}` },
    {
      label: 'stats',
      value: `${s.nodes} nodes, ${s.policyCalls} policy calls, ${s.tokens} tokens, ${s.prmCalls} PRM steps, ${s.failures} failed, stopped by ${s.stoppedBy}`,
    },
    { label: 'best', value: best ? `${best.id}: answer ${best.answer ?? '(none)'}, score ${best.score?.toFixed(3) ?? '–'}` : '(none)' },
  ];
  return {
    title: o.title ?? `${tree.problem.id} · ${tree.strategy.name}`,
    header,
    nodes,
    best: best ? index.get(best.id)! : -1,
    collapseDepth: o.collapseDepth ?? autoCollapseDepth(tree.nodes.map((n) => n.depth)),
    pageSize: o.pageSize ?? 100,
    maxVisible: 5000,
  };
}

/** One self-contained offline HTML page (d3-hierarchy inlined, nothing fetched) showing a search tree. */
export function renderTreeViewer(tree: TreeJSON, o: ViewerOptions = {}): string {
  const data = viewerData(tree, o);
  // a strict policy: no network at all, only the inline script and style below
  const csp = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHTML(data.title)} — steptree tree viewer</title>
<style>${VIEWER_CSS}</style></head>
<body>
<header id="header"></header>
<div id="toolbar"><input id="search" type="search" placeholder="search step text, answer or node id (Enter: next)" autocomplete="off"><span id="found"></span>
<button id="expand" type="button">open all</button><button id="collapse" type="button">collapse</button></div>
<main><svg id="tree" xmlns="http://www.w3.org/2000/svg"></svg><aside><section id="panel"></section><section id="legend"><h2>Legend</h2></section></aside></main>
<script id="tree-data" type="application/json">${scriptSafeJSON(data)}</script>
<script>${d3Hierarchy().replace(/<\/script/gi, '<\\/script')}</script>
<script>
var __name = function (f) { return f; };
(${viewerClient.toString()})(document, JSON.parse(document.getElementById('tree-data').textContent));
</script>
</body></html>
`;
}
