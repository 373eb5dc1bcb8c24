import type { FrontierRow, Point, TokenFrontierRow } from './analyze.ts';
import type { PairedRow } from './paired.ts';
import type { Figure } from './plots.ts';

/** Text for HTML: every model- or user-provided string goes through here. */
export const esc = (s: unknown): string => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

// −0.0 (a float that is 0 up to rounding) prints as 0.0
const pct = (x: number) => (Number.isFinite(x) ? (100 * x).toFixed(1).replace(/^-(0\.0+)$/, '$1') : '–');
const iv = (a: { mean: number; lo: number; hi: number }) => `${pct(a.mean)} <small>[${pct(a.lo)}, ${pct(a.hi)}]</small>`;
const signed = (a: { mean: number; lo: number; hi: number }) => `${a.mean >= 0 ? '+' : ''}${pct(a.mean)} <small>[${pct(a.lo)}, ${pct(a.hi)}]</small>`;

/** A saved tree, relative to the report; `viewer` only when this run wrote the page. */
export interface TreeLink {
  readonly tree: string;
  readonly viewer?: string;
  readonly label: string;
}

export interface ReportInput {
  readonly name: string;
  readonly config: unknown;
  readonly points: readonly Point[];
  readonly frontier: readonly FrontierRow[];
  readonly tokenFrontier?: readonly TokenFrontierRow[];
  readonly paired?: readonly PairedRow[];
  readonly figures: readonly Figure[];
  readonly trees: readonly TreeLink[];
  readonly skipped: readonly string[];
  readonly notes: readonly string[];
}

/** Accuracy per method (rows) and N (columns), one table per PRM. */
function curveTables(points: readonly Point[]): string {
  const out: string[] = [];
  for (const prm of [...new Set(points.map((p) => p.prm))]) {
    const ps = points.filter((p) => p.prm === prm);
    const ns = [...new Set(ps.filter((p) => p.kind === 'search').map((p) => p.n))].sort((a, b) => a - b);
    const cols = ns.length ? ns : [...new Set(ps.map((p) => p.n))].sort((a, b) => a - b);
    const rows = [...new Set(ps.map((p) => p.method))].map((m) => {
      const cells = cols.map((n) => {
        const p = ps.find((q) => q.method === m && q.n === n);
        return `<td>${p ? `${iv(p.accuracy)}<br><small>${p.tokens.toFixed(0)} tok · ${p.policyCalls.toFixed(1)} pol · ${p.prmCalls.toFixed(1)} prm</small>` : ''}</td>`;
      });
      return `<tr><th>${esc(m)}</th>${cells.join('')}</tr>`;
    });
    const any = ps[0]!;
    out.push(
      `<h3>${esc(prm)}</h3><p>${any.problems} problems × ${any.seeds} seeds; accuracy % [95 % paired bootstrap over problems, seeds nested]; mean cost per problem: generated tokens, policy calls, PRM calls.</p><table><tr><th>method</th>${cols.map((n) => `<th>N=${n}</th>`).join('')}</tr>${rows.join('')}</table>`,
    );
  }
  return out.join('\n');
}

function frontierTables(rows: readonly FrontierRow[]): string {
  const out: string[] = [];
  for (const prm of [...new Set(rows.map((r) => r.prm))]) {
    const rs = rows.filter((r) => r.prm === prm);
    const body = rs.map((r) => {
      const top = r.methods
        .slice(0, 4)
        .map((m) => `${esc(m.method)}: ${pct(m.accuracy)} (${signed(m.diff)})`)
        .join('<br>');
      return `<tr><td>${esc(r.bin)}</td><td>${r.n}</td><td><b>${pct(r.frontier)}</b></td><td>${r.chosen.map(esc).join(' / ')}</td><td>${top}</td></tr>`;
    });
    out.push(
      `<h3>${esc(prm)}</h3><table><tr><th>bin</th><th>N</th><th>frontier %</th><th>chosen (fold 1 / fold 2)</th><th>best single methods: accuracy % (method − frontier, paired 95 % interval)</th></tr>${body.join('')}</table>`,
    );
  }
  return out.join('\n');
}

function tokenFrontierTables(rows: readonly TokenFrontierRow[]): string {
  const out: string[] = [];
  for (const prm of [...new Set(rows.map((r) => r.prm))]) {
    const body = rows
      .filter((r) => r.prm === prm)
      .map((r) => {
        const top = r.methods
          .slice(0, 4)
          .map((m) => `${esc(m.method)} @N=${m.n} (${m.tokens.toFixed(0)} tok): ${pct(m.accuracy)} (${signed(m.diff)})`)
          .join('<br>');
        return `<tr><td>${esc(r.bin)}</td><td>${r.cap}</td><td><b>${iv(r.interval)}</b></td><td>${r.chosen.map(esc).join(' / ')}</td><td>${top}</td></tr>`;
      });
    out.push(
      `<h3>${esc(prm)}</h3><table><tr><th>bin</th><th>token cap</th><th>frontier % [95 %]</th><th>chosen (fold 1 / fold 2)</th><th>best single methods at their largest N within the cap: accuracy % (method − frontier, paired 95 % interval)</th></tr>${body.join('')}</table>`,
    );
  }
  return out.join('\n');
}

/** (method − reference) per n, one table per PRM: methods as rows, n as columns. */
function pairedTables(rows: readonly PairedRow[]): string {
  const out: string[] = [];
  for (const prm of [...new Set(rows.map((r) => r.prm))]) {
    const rs = rows.filter((r) => r.prm === prm);
    const ns = [...new Set(rs.map((r) => r.n))].sort((a, b) => a - b);
    const body = [...new Set(rs.map((r) => `${r.method}\u0000${r.reference}`))].map((k) => {
      const [method, reference] = k.split('\u0000') as [string, string];
      const cells = ns
        .map((n) => rs.find((r) => r.method === method && r.reference === reference && r.n === n))
        .map((r) => `<td>${r ? signed(r.diff) : ''}</td>`);
      return `<tr><th>${esc(method)} − ${esc(reference)}</th>${cells.join('')}</tr>`;
    });
    out.push(`<h3>${esc(prm)}</h3><table><tr><th>difference (points)</th>${ns.map((n) => `<th>n=${n}</th>`).join('')}</tr>${body.join('')}</table>`);
  }
  return out.join('\n');
}

/** Saved trees: the JSON always; the viewer page where it was written, else the command that writes it. */
function treeList(trees: readonly TreeLink[]): string {
  const paged = trees.filter((t) => t.viewer).length;
  const intro =
    paged === trees.length
      ? 'Each tree JSON has its viewer page beside it (one offline HTML file, d3-hierarchy inlined).'
      : `The tree JSON is the saved result. ${paged ? 'Some' : 'No'} viewer pages were written with this report (<code>viewerPages</code> in the config); run the command shown, in this folder, to write one beside its tree (one offline HTML file, d3-hierarchy inlined).`;
  const item = (t: TreeLink) =>
    `<li>${esc(t.label)}: <a href="${esc(t.tree)}">tree JSON</a> · ${t.viewer ? `<a href="${esc(t.viewer)}">viewer</a>` : `viewer: <code>npx steptree view ${esc(t.tree)}</code>`}</li>`;
  return `<p>${intro}</p>\n<ul>${trees.map(item).join('')}</ul>`;
}

/** One self-contained HTML file: inline SVG figures, tables, the config, links to saved trees. */
export function reportHtml(r: ReportInput): string {
  const figs = r.figures
    .map(
      (f) => `<figure><figcaption>${esc(f.title)} (<a href="${esc(f.name)}.svg">svg</a>, <a href="${esc(f.name)}.png">png</a>)</figcaption>${f.svg}</figure>`,
    )
    .join('\n');
  const trees = r.trees.length ? treeList(r.trees) : '<p>No trees saved (set <code>saveTrees</code> in the config).</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.name)}: steptree scaling report</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}small{color:#555}pre{background:#f6f6f6;padding:1em;overflow:auto}figure{margin:1em 0}</style>
</head><body>
<h1>${esc(r.name)}: test-time scaling</h1>
${r.notes.map((n) => `<p>${esc(n)}</p>`).join('\n')}
<h2>Figures</h2>
${figs}
<h2>Accuracy and cost by budget</h2>
${curveTables(r.points)}
<h2>Compute-optimal frontier</h2>
<p>Per (bin, N) the method is chosen on one half of the problems and reported on the other half (2-fold, swapped, averaged over every problem). pass@n (oracle) is not a candidate.</p>
${frontierTables(r.frontier)}
${
  r.tokenFrontier?.length
    ? `<h2>Compute-optimal frontier per token budget</h2>
<p>Per (bin, token cap) each method runs at its largest N whose mean generated tokens per problem fit the cap; the method is chosen on one half of the problems and reported on the other (2-fold, swapped, averaged). Mean costs are taken over all problems: they are the budget one sets, not an outcome.</p>
${tokenFrontierTables(r.tokenFrontier)}`
    : ''
}
${
  r.paired?.length
    ? `<h2>Paired differences against majority vote</h2>
<p>Accuracy of the PRM's pick minus majority vote's at the same n on the same pool, in points, with a paired 95 % percentile bootstrap interval over problems (seeds nested): one draw of problems applies to both, so this interval is of the difference, unlike the two per-method intervals above. An interval that excludes 0 is a difference the data show.</p>
${pairedTables(r.paired)}`
    : ''
}
<h2>Saved trees</h2>
${trees}
${r.skipped.length ? `<h2>Skipped</h2><p>Budgets a strategy cannot take:</p><ul>${r.skipped.map((s) => `<li>${esc(s)}</li>`).join('')}</ul>` : ''}
<h2>Config</h2>
<pre>${esc(JSON.stringify(r.config, null, 2))}</pre>
</body></html>
`;
}
