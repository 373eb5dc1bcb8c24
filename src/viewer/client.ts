// The viewer's browser code. It is type-checked here and inlined into the page with
// `viewerClient.toString()`, so it must not refer to anything outside its own body.
// Model text is untrusted: it only ever reaches the page through textContent.

/** Columns of one node in the page's data (kept short: a page may carry 10^5 nodes). */
export interface ViewerNode {
  id: string;
  p: number; // parent index, -1 for the root
  t: string; // step text
  s: number | null; // PRM score
  v: number | null; // aggregated value
  n: number; // visits
  q: number | null;
  term: boolean;
  a: string | null; // answer
  f: string | null; // failure
  c: number; // merged sample count
  k: number; // tokens
  r: boolean; // rollout
}

export interface ViewerData {
  title: string;
  header: { label: string; value: string }[];
  nodes: ViewerNode[];
  best: number; // index of the best node, -1 when none
  collapseDepth: number;
  pageSize: number; // children shown before a "more" entry
  maxVisible: number; // "open all" stops near this many listed nodes
}

export function viewerClient(doc: Document, data: ViewerData): void {
  const SVG = 'http://www.w3.org/2000/svg';
  const d3 = (window as unknown as { d3: any }).d3;
  const N = data.nodes;
  const kids: number[][] = N.map(() => []);
  const depth: number[] = new Array(N.length).fill(0);
  N.forEach((x, i) => {
    if (x.p >= 0) {
      kids[x.p]!.push(i);
      depth[i] = depth[x.p]! + 1;
    }
  });
  const onBest = new Set<number>();
  for (let i = data.best; i >= 0; i = N[i]!.p) onBest.add(i);
  const open = new Set<number>();
  N.forEach((_, i) => (depth[i]! < data.collapseDepth || onBest.has(i)) && kids[i]!.length && open.add(i));
  const shown = new Map<number, number>(); // node → how many children are listed
  let maxVisits = 1;
  for (const x of N) maxVisits = Math.max(maxVisits, x.n);
  let selected = data.best >= 0 ? data.best : 0;
  let matches: number[] = [];
  let matchAt = -1;

  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string) => {
    const e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const svgEl = (tag: string, attrs: Record<string, string | number>) => {
    const e = doc.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    return e;
  };
  const color = (s: number | null) => (s === null ? '#b0b0b0' : `hsl(${Math.round(120 * Math.max(0, Math.min(1, s)))}, 70%, 45%)`);
  const radius = (x: ViewerNode) => 4 + 8 * Math.sqrt(x.n / maxVisits);
  const fmt = (v: number | null, d = 3) => (v === null ? '–' : v.toFixed(d));
  const short = (s: string, m = 60) => (s.length > m ? s.slice(0, m - 1) + '…' : s);

  // header, search, legend, panel
  const head = doc.getElementById('header')!;
  head.append(el('h1', '', data.title));
  const dl = el('dl');
  for (const h of data.header) dl.append(el('dt', '', h.label), el('dd', '', h.value));
  head.append(dl);
  const search = doc.getElementById('search') as HTMLInputElement;
  const found = doc.getElementById('found')!;
  const panel = doc.getElementById('panel')!;
  const legend = doc.getElementById('legend')!;
  const legendRows: [string, string][] = [
    ['fill', 'PRM score: red 0 → green 1, grey unscored'],
    ['size', 'circle area: visits (MCTS)'],
    ['best', 'orange: the best trajectory'],
    ['term', 'double ring: terminal (answer)'],
    ['fail', 'black ✕: failed call'],
    ['roll', 'dashed: rollout node'],
    ['more', '▸ collapsed: click to open'],
  ];
  for (const [k, t] of legendRows) {
    const row = el('div', 'legend-row');
    row.append(el('span', `swatch swatch-${k}`), el('span', '', t));
    legend.append(row);
  }

  const svg = doc.getElementById('tree') as unknown as SVGSVGElement;
  const view = svgEl('g', { id: 'viewport' });
  svg.append(view);
  let tx = 40,
    ty = 300,
    zoom = 1;
  const place = () => view.setAttribute('transform', `translate(${tx},${ty}) scale(${zoom})`);
  svg.addEventListener(
    'wheel',
    (e) => {
      e.preventDefault();
      const f = Math.exp(-e.deltaY * 0.001);
      tx = e.offsetX - (e.offsetX - tx) * f;
      ty = e.offsetY - (e.offsetY - ty) * f;
      zoom *= f;
      place();
    },
    { passive: false },
  );
  let drag: { x: number; y: number } | null = null;
  svg.addEventListener('pointerdown', (e) => (drag = { x: e.clientX - tx, y: e.clientY - ty }));
  svg.addEventListener('pointermove', (e) => drag && ((tx = e.clientX - drag.x), (ty = e.clientY - drag.y), place()));
  addEventListener('pointerup', () => (drag = null));

  // visible children of i: the first `shown` of them, then a "more" marker (index −1−i)
  const visibleKids = (i: number): number[] => {
    if (!open.has(i)) return [];
    const all = kids[i]!;
    const m = shown.get(i) ?? data.pageSize;
    return all.length > m ? [...all.slice(0, m), -1 - i] : all;
  };
  let pos = new Map<number, { x: number; y: number }>();

  function render() {
    const root = d3.hierarchy(0, (i: number) => (i >= 0 ? visibleKids(i) : null));
    d3.tree().nodeSize([22, 190])(root);
    view.replaceChildren();
    pos = new Map();
    const links = svgEl('g', { class: 'links' });
    const nodes = svgEl('g', { class: 'nodes' });
    view.append(links, nodes);
    for (const l of root.links()) {
      const a = l.source,
        b = l.target;
      const best = onBest.has(a.data) && onBest.has(b.data);
      links.append(
        svgEl('path', { class: best ? 'link best' : 'link', d: `M${a.y},${a.x}C${(a.y + b.y) / 2},${a.x} ${(a.y + b.y) / 2},${b.x} ${b.y},${b.x}` }),
      );
    }
    for (const d of root.descendants()) {
      const i: number = d.data;
      pos.set(i, { x: d.y, y: d.x });
      if (i < 0) {
        const parent = -1 - i;
        const g = svgEl('g', { class: 'more', transform: `translate(${d.y},${d.x})` });
        const label = svgEl('text', { x: 8, dy: '0.32em' });
        label.textContent = `+${kids[parent]!.length - (shown.get(parent) ?? data.pageSize)} more`;
        g.append(svgEl('rect', { x: -4, y: -6, width: 12, height: 12 }), label);
        g.addEventListener('click', (e) => (e.stopPropagation(), shown.set(parent, (shown.get(parent) ?? data.pageSize) + data.pageSize), render()));
        nodes.append(g);
        continue;
      }
      nodes.append(nodeEl(i, d.y, d.x));
    }
    showPanel();
  }

  function nodeEl(i: number, x: number, y: number): SVGGElement {
    const node = N[i]!;
    const cls = [
      'node',
      onBest.has(i) ? 'best' : '',
      node.term ? 'terminal' : '',
      node.f ? 'failed' : '',
      node.r ? 'rollout' : '',
      i === selected ? 'selected' : '',
      matches.includes(i) ? 'match' : '',
      kids[i]!.length && !open.has(i) ? 'collapsed' : '',
    ];
    const g = svgEl('g', { class: cls.filter(Boolean).join(' '), transform: `translate(${x},${y})`, 'data-id': node.id }) as SVGGElement;
    const r = radius(node);
    if (node.term) g.append(svgEl('circle', { class: 'ring', r: r + 3 }));
    g.append(svgEl('circle', { r, fill: color(node.s) }));
    if (node.f) g.append(svgEl('path', { class: 'cross', d: `M${-r},${-r}L${r},${r}M${-r},${r}L${r},${-r}` }));
    const label = svgEl('text', { x: r + 5, dy: '0.32em' });
    label.textContent =
      (kids[i]!.length && !open.has(i) ? `▸ (${kids[i]!.length}) ` : '') +
      (i === 0 ? '(problem)' : short(node.t)) +
      (node.term && node.a !== null ? `  → ${node.a}` : '');
    const tip = svgEl('title', {});
    tip.textContent = `${node.id}  score ${fmt(node.s)}  value ${fmt(node.v)}${node.n ? `  visits ${node.n}` : ''}\n${node.t}`;
    g.append(label, tip);
    g.addEventListener('click', (e) => {
      e.stopPropagation();
      selected = i;
      if (kids[i]!.length) open.has(i) ? open.delete(i) : open.add(i);
      render();
    });
    return g;
  }

  function showPanel() {
    const x = N[selected]!;
    panel.replaceChildren();
    panel.append(el('h2', '', selected === 0 ? 'Problem' : `Node ${x.id}`));
    panel.append(el('pre', 'step-text', selected === 0 ? (data.header.find((h) => h.label === 'problem')?.value ?? '') : x.t));
    const dl = el('dl');
    const rows: [string, string][] = [
      ['id', x.id],
      ['depth', String(depth[selected])],
      ['score', fmt(x.s)],
      ['value', fmt(x.v)],
      ['visits', String(x.n)],
      ['q', fmt(x.q)],
      ['tokens', String(x.k)],
      ['samples merged', String(x.c)],
      ['children', String(kids[selected]!.length)],
      ['terminal', x.term ? `yes, answer ${x.a ?? '(none)'}` : 'no'],
      ['on best path', onBest.has(selected) ? 'yes' : 'no'],
    ];
    if (x.f) rows.push(['failed', x.f]);
    if (x.r) rows.push(['rollout', 'yes']);
    for (const [k, v] of rows) dl.append(el('dt', '', k), el('dd', '', v));
    panel.append(dl);
  }

  function centre(i: number) {
    const p = pos.get(i);
    if (!p) return;
    const box = svg.getBoundingClientRect();
    tx = box.width / 3 - p.x * zoom;
    ty = box.height / 2 - p.y * zoom;
    place();
  }

  function reveal(i: number) {
    for (let a = N[i]!.p, c = i; a >= 0; c = a, a = N[a]!.p) {
      open.add(a);
      const at = kids[a]!.indexOf(c);
      if (at >= (shown.get(a) ?? data.pageSize)) shown.set(a, at + 1);
    }
  }

  search.addEventListener('input', () => {
    const q = search.value.trim().toLowerCase();
    matches = q ? N.flatMap((x, i) => (x.t.toLowerCase().includes(q) || (x.a ?? '').toLowerCase() === q || x.id === q ? [i] : [])).slice(0, 500) : [];
    matchAt = -1;
    found.textContent = q ? `${matches.length}${matches.length === 500 ? '+' : ''} match${matches.length === 1 ? '' : 'es'}` : '';
    for (const m of matches.slice(0, 50)) reveal(m);
    render();
  });
  search.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || !matches.length) return;
    matchAt = (matchAt + 1) % matches.length;
    selected = matches[matchAt]!;
    reveal(selected);
    render();
    centre(selected);
  });
  // "open all" opens breadth-first until about maxVisible nodes are listed, so a 10^5-node tree stays usable
  doc.getElementById('expand')!.addEventListener('click', () => {
    let listed = 1;
    for (let queue = [0], h = 0; h < queue.length; h++) {
      const i = queue[h]!;
      const add = Math.min(kids[i]!.length, shown.get(i) ?? data.pageSize);
      if (!add) continue;
      if (listed + add > data.maxVisible) break;
      open.add(i);
      listed += add;
      queue.push(...kids[i]!.slice(0, add));
    }
    render();
  });
  doc.getElementById('collapse')!.addEventListener('click', () => (open.clear(), open.add(0), render()));
  // first view: the whole listed tree, shrunk to fit (not below 0.35, where labels stop being legible)
  function fit() {
    const box = svg.getBoundingClientRect();
    const b = (view as SVGGraphicsElement).getBBox();
    zoom = Math.max(0.35, Math.min(1, (box.width - 60) / Math.max(1, b.width), (box.height - 40) / Math.max(1, b.height)));
    tx = 30 - b.x * zoom;
    ty = Math.max(20, (box.height - b.height * zoom) / 2) - b.y * zoom;
    place();
  }
  render();
  fit();
}
