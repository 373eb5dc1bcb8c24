import { pairedDifferences, type BootstrapOptions, type Interval } from './bootstrap.ts';

/** A method's accuracy minus a reference method's, at the same n on the same problems and seeds. */
export interface PairedRow {
  readonly prm: string;
  readonly method: string;
  readonly reference: string;
  readonly n: number;
  /** method − reference: the mean over problems and its paired 95 % percentile bootstrap interval. */
  readonly diff: Interval;
  readonly problems: number;
}

/** value[problem][seed] as maps, as the analysis keeps them. */
export type Values = ReadonlyMap<string, ReadonlyMap<number, number>>;

/**
 * (method − reference) per n, paired: one bootstrap draw of problems (seeds nested) applies to both,
 * so the interval is of the difference itself, not two overlapping marginals. Only problems and seeds
 * both have are used; an n where the reference or the method is missing gives no row.
 */
export function pairedAgainst(
  prm: string,
  reference: string,
  methods: readonly string[],
  ns: readonly number[],
  get: (method: string, n: number) => Values | undefined,
  o: BootstrapOptions = {},
): PairedRow[] {
  const out: PairedRow[] = [];
  for (const n of ns) {
    const ref = get(reference, n);
    if (!ref) continue;
    for (const method of methods) {
      const m = get(method, n);
      if (!m || method === reference) continue;
      const [a, b] = aligned(m, ref);
      if (!a.length) continue;
      out.push({ prm, method, reference, n, diff: pairedDifferences({ m: a, r: b }, 'r', o)['m']!, problems: a.length });
    }
  }
  return out;
}

/** The two matrices over the problems both have, in id order, with the seeds both have in each. */
function aligned(m: Values, ref: Values): [number[][], number[][]] {
  const a: number[][] = [];
  const b: number[][] = [];
  for (const id of [...m.keys()].sort()) {
    const x = m.get(id)!;
    const y = ref.get(id);
    if (!y) continue;
    const seeds = [...x.keys()].filter((s) => y.has(s)).sort((p, q) => p - q);
    if (!seeds.length) continue;
    a.push(seeds.map((s) => x.get(s)!));
    b.push(seeds.map((s) => y.get(s)!));
  }
  return [a, b];
}
