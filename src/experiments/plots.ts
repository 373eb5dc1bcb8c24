import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import type { FrontierRow, Point, TokenFrontierRow } from './analyze.ts';

/** A rendered figure: SVG text (vega, renderer 'none', no canvas) and a PNG of it (resvg, 2× zoom). */
export interface Figure {
  readonly name: string;
  readonly title: string;
  readonly svg: string;
  readonly png: Uint8Array;
  /** The series drawn, as named in the legend. */
  readonly series: readonly string[];
}

export async function render(spec: TopLevelSpec): Promise<{ svg: string; png: Uint8Array }> {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const png = new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
    return { svg, png };
  } finally {
    view.finalize();
  }
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Accuracy against one budget axis, a panel per PRM, a line per method (dashed: estimators over the pool). */
function curveSpec(points: readonly Point[], x: 'n' | 'tokens', title: string): TopLevelSpec {
  const values = points.map((p) => ({
    prm: p.prm,
    method: p.method,
    kind: p.kind,
    n: p.n,
    tokens: p.tokens,
    acc: p.accuracy.mean,
    lo: p.accuracy.lo,
    hi: p.accuracy.hi,
  }));
  const ns = [...new Set(points.map((p) => p.n))].filter((n) => Number.isInteger(Math.log2(n))).sort((a, b) => a - b);
  const axis = x === 'n' ? { values: ns, format: 'd' } : { format: 'd' };
  const xEnc = {
    field: x,
    type: 'quantitative' as const,
    scale: { type: 'log' as const, base: 2 },
    axis,
    title: x === 'n' ? 'budget N' : 'generated tokens per problem',
  };
  return {
    $schema: SCHEMA,
    title,
    data: { values },
    facet: { field: 'prm', type: 'nominal', title: 'PRM' },
    columns: 2,
    config: { legend: { symbolOpacity: 1, symbolStrokeColor: '#333', symbolStrokeWidth: 2 } },
    spec: {
      width: 300,
      height: 200,
      layer: [
        {
          mark: { type: 'errorband', opacity: 0.15 },
          encoding: { x: xEnc, y: { field: 'lo', type: 'quantitative', title: 'accuracy' }, y2: { field: 'hi' }, color: { field: 'method', type: 'nominal' } },
        },
        {
          mark: { type: 'line', point: true },
          encoding: {
            x: xEnc,
            y: { field: 'acc', type: 'quantitative', scale: { domain: [0, 1] }, title: 'accuracy' },
            color: {
              field: 'method',
              type: 'nominal',
              title: 'method',
              legend: { labelLimit: 400, symbolOpacity: 1, symbolType: 'stroke', symbolStrokeWidth: 3 },
            },
            strokeDash: {
              field: 'kind',
              type: 'nominal',
              legend: null,
              scale: {
                domain: ['search', 'pool', 'oracle'],
                range: [
                  [1, 0],
                  [6, 3],
                  [2, 2],
                ],
              },
            },
          },
        },
      ],
    },
  } as TopLevelSpec;
}

/** The compute-optimal frontier (all problems) next to every single method, a panel per PRM; x is N or the token cap. */
function frontierSpec(
  rows: readonly { prm: string; n: number; frontier: number; methods: readonly { method: string; accuracy: number }[] }[],
  xTitle = 'budget N',
): TopLevelSpec {
  const values = rows.flatMap((r) => [
    { prm: r.prm, n: r.n, method: 'compute-optimal (2-fold)', acc: r.frontier },
    ...r.methods.map((m) => ({ prm: r.prm, n: r.n, method: m.method, acc: m.accuracy })),
  ]);
  return {
    $schema: SCHEMA,
    title: `Compute-optimal frontier by ${xTitle} (chosen on one half, reported on the other) vs single methods`,
    data: { values },
    facet: { field: 'prm', type: 'nominal', title: 'PRM' },
    columns: 2,
    spec: {
      width: 300,
      height: 200,
      mark: { type: 'line', point: true },
      encoding: {
        x: {
          field: 'n',
          type: 'quantitative',
          scale: { type: 'log', base: 2 },
          axis: { values: [...new Set(values.map((v) => v.n))], format: 'd' },
          title: xTitle,
        },
        y: { field: 'acc', type: 'quantitative', scale: { domain: [0, 1] }, title: 'accuracy' },
        color: { field: 'method', type: 'nominal', title: 'method', legend: { labelLimit: 400 } },
        size: { condition: { test: "datum.method === 'compute-optimal (2-fold)'", value: 3.5 }, value: 1.2 },
      },
    },
  } as TopLevelSpec;
}

/** Every figure of a report; the oracle pass@n is drawn on the N plot only (it has no cost of its own). */
export async function figures(points: readonly Point[], frontier: readonly FrontierRow[], tokenFrontier: readonly TokenFrontierRow[] = []): Promise<Figure[]> {
  const out: Figure[] = [];
  const add = async (name: string, title: string, spec: TopLevelSpec, series: string[]) => out.push({ name, title, series, ...(await render(spec)) });
  const methods = (ps: readonly Point[]) => [...new Set(ps.map((p) => p.method))].sort();
  await add(
    'accuracy-vs-n',
    'Accuracy against N',
    curveSpec(points, 'n', 'Accuracy against N (solid: search; dashed: estimators over one pool; dotted: pass@n; 95 % bootstrap bands)'),
    methods(points),
  );
  const costed = points.filter((p) => p.kind !== 'oracle' && p.tokens > 0);
  if (costed.length)
    await add(
      'accuracy-vs-tokens',
      'Accuracy against generated tokens',
      curveSpec(costed, 'tokens', 'Accuracy against generated tokens per problem (solid: search; dashed: pool)'),
      methods(costed),
    );
  if (frontier.some((r) => r.bin === 'all')) {
    const fr = frontier.filter((r) => r.bin === 'all');
    await add(
      'frontier',
      'Compute-optimal frontier',
      frontierSpec(fr),
      ['compute-optimal (2-fold)', ...new Set(fr.flatMap((r) => r.methods.map((m) => m.method)))].sort(),
    );
  }
  const tf = tokenFrontier.filter((r) => r.bin === 'all');
  if (tf.length)
    await add(
      'frontier-tokens',
      'Compute-optimal frontier per token budget',
      frontierSpec(
        tf.map((r) => ({ ...r, n: r.cap })),
        'token cap per problem',
      ),
      ['compute-optimal (2-fold)', ...new Set(tf.flatMap((r) => r.methods.map((m) => m.method)))].sort(),
    );
  return out;
}
