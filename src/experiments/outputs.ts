import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrontierRow, Point, TokenFrontierRow } from './analyze.ts';
import { figures } from './plots.ts';
import { reportHtml } from './report.ts';
import type { Row, RunRow } from './sweep.ts';
import type { TreeLink } from './report.ts';
import type { PairedRow } from './paired.ts';

const csvCell = (v: unknown) => (typeof v === 'string' && /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : String(v));

/**
 * Curves, then the compute-optimal frontier over all problems as extra rows: kind `frontier-n` (at N)
 * and `frontier-tokens` (under a token cap, in the tokens column); no cost columns of their own.
 */
export function curvesCsv(points: readonly Point[], frontier: readonly FrontierRow[] = [], tokenFrontier: readonly TokenFrontierRow[] = []): string {
  const head = ['prm', 'method', 'kind', 'n', 'accuracy', 'lo', 'hi', 'tokens', 'policy_calls', 'prm_calls', 'problems', 'seeds'];
  const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
  const lines = points.map((p) =>
    [
      p.prm,
      p.method,
      p.kind,
      p.n,
      r6(p.accuracy.mean),
      r6(p.accuracy.lo),
      r6(p.accuracy.hi),
      r6(p.tokens),
      r6(p.policyCalls),
      r6(p.prmCalls),
      p.problems,
      p.seeds,
    ]
      .map(csvCell)
      .join(','),
  );
  const method = 'compute-optimal (2-fold)';
  const fr = [
    ...frontier.filter((r) => r.bin === 'all').map((r) => [r.prm, method, 'frontier-n', r.n, r.frontier, r.interval?.lo ?? '', r.interval?.hi ?? '', '']),
    ...tokenFrontier.filter((r) => r.bin === 'all').map((r) => [r.prm, method, 'frontier-tokens', '', r.frontier, r.interval.lo, r.interval.hi, r.cap]),
  ].map((r) => [...r.map((v) => (typeof v === 'number' ? r6(v) : v)), '', '', '', ''].map(csvCell).join(','));
  return [head.join(','), ...lines, ...fr].join('\n') + '\n';
}

/**
 * Writes summary.json, curves.csv, every figure as SVG and PNG, and report.html into `outDir`.
 * Saved trees get a viewer page beside their JSON when `viewerPages` (default), rewritten on every
 * call (each inlines d3 and the viewer: build outputs, git-ignored, never stale).
 */
export async function writeOutputs(
  outDir: string,
  o: {
    name: string;
    config: unknown;
    rows: readonly Row[];
    points: Point[];
    frontier: FrontierRow[];
    tokenFrontier?: TokenFrontierRow[];
    paired?: PairedRow[];
    bins: unknown;
    skipped: string[];
    notes: string[];
    /** Write a viewer page beside each saved tree (default true). */
    viewerPages?: boolean;
  },
): Promise<string[]> {
  const tokenFrontier = o.tokenFrontier ?? [];
  const figs = await figures(o.points, o.frontier, tokenFrontier);
  const written: string[] = [];
  const put = (name: string, data: string | Uint8Array) => (writeFileSync(join(outDir, name), data), written.push(name));
  for (const f of figs) (put(`${f.name}.svg`, f.svg), put(`${f.name}.png`, f.png));
  put('curves.csv', curvesCsv(o.points, o.frontier, tokenFrontier));
  const trees = await treeLinks(outDir, o.rows, o.viewerPages ?? true);
  const head = { name: o.name, config: o.config, points: o.points, frontier: o.frontier, tokenFrontier, paired: o.paired ?? [] };
  const tail = { trees, skipped: o.skipped, notes: o.notes };
  put('summary.json', JSON.stringify({ ...head, bins: o.bins, ...tail }, null, 1) + '\n');
  put('report.html', reportHtml({ ...head, figures: figs, ...tail }));
  return written;
}

/** A link per saved tree; its viewer page is written (and linked) only when asked and its JSON is there. */
async function treeLinks(outDir: string, rows: readonly Row[], pages: boolean): Promise<TreeLink[]> {
  const saved = rows.filter((r): r is RunRow & { tree: string } => r.kind === 'run' && typeof r.tree === 'string');
  const { writeTreeViewer } = await import('../viewer/index.ts');
  const out: TreeLink[] = [];
  for (const r of saved) {
    const viewer = r.tree.replace(/\.json$/, '.html');
    const json = join(outDir, r.tree);
    // a page left over from an earlier run is never linked: the report names only what this run wrote
    const written = pages && existsSync(json);
    if (written) writeTreeViewer(readFileSync(json, 'utf8'), join(outDir, viewer), { where: json });
    out.push({
      tree: r.tree,
      ...(written && { viewer }),
      label: `${r.prm} · ${r.strategy} · N=${r.budget} · ${r.problem}${r.correct ? ' (correct)' : ' (wrong)'}`,
    });
  }
  return out;
}
