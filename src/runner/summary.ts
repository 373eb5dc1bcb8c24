import type { ResultRecord } from './record.ts';
import { readResults } from './results.ts';
import { wilson } from './wilson.ts';

export interface AccuracyCell {
  /** Graded (status ok). */
  readonly n: number;
  readonly correct: number;
  readonly accuracy: number | null;
  /** 95 % Wilson interval. */
  readonly ci95: readonly [number, number] | null;
}

export interface BenchSummary extends AccuracyCell {
  readonly schemaVersion: 1;
  /** (problem, seed) pairs recorded. */
  readonly records: number;
  readonly errors: number;
  /** Graded as wrong because the symbolic stage timed out (counted in n). */
  readonly gradeTimeouts: number;
  readonly byLevel: Readonly<Record<string, AccuracyCell>>;
  readonly bySubject: Readonly<Record<string, AccuracyCell>>;
  readonly bySeed: Readonly<Record<string, AccuracyCell>>;
  /** Totals and means per record. */
  readonly tokens: Total;
  readonly promptTokens: Total;
  readonly cachedTokens: Total;
  readonly policyCalls: Total;
  readonly policyErrors: Total;
  readonly prmSteps: Total;
  readonly failures: Total;
  readonly cost: Total | null;
  readonly wallMs: Total;
}

export interface Total {
  readonly total: number;
  readonly perProblem: number;
}

class Cell {
  n = 0;
  correct = 0;
  add(ok: boolean) {
    this.n++;
    if (ok) this.correct++;
  }
  get(): AccuracyCell {
    return {
      n: this.n,
      correct: this.correct,
      accuracy: this.n ? round(this.correct / this.n) : null,
      ci95: this.n ? (wilson(this.correct, this.n).map(round) as [number, number]) : null,
    };
  }
}

// rounded so a summary does not depend on the order records were summed in
const round = (x: number) => Math.round(x * 1e6) / 1e6;

/** Folds records one at a time (results are streamed, never all in memory). */
export class SummaryBuilder {
  private records = 0;
  private errors = 0;
  private timeouts = 0;
  private readonly all = new Cell();
  private readonly groups = { level: new Map<string, Cell>(), subject: new Map<string, Cell>(), seed: new Map<string, Cell>() };
  private readonly sums = { tokens: 0, promptTokens: 0, cachedTokens: 0, policyCalls: 0, policyErrors: 0, prmSteps: 0, failures: 0, wallMs: 0 };

  constructor(private readonly pricing?: Pricing) {}

  add(r: ResultRecord): void {
    this.records++;
    for (const k of Object.keys(this.sums) as (keyof typeof this.sums)[]) this.sums[k] += r.stats[k] ?? 0;
    if (r.status === 'error') return void this.errors++;
    if (r.gradeStatus === 'timeout') this.timeouts++;
    this.all.add(r.correct);
    const cell = (m: Map<string, Cell>, k: string) => (m.get(k) ?? m.set(k, new Cell()).get(k)!).add(r.correct);
    if (r.level !== undefined) cell(this.groups.level, String(r.level));
    if (r.subject !== undefined) cell(this.groups.subject, r.subject);
    cell(this.groups.seed, String(r.seed));
  }

  build(): BenchSummary {
    const per = (total: number): Total => ({ total: round(total), perProblem: this.records ? round(total / this.records) : 0 });
    const cells = (m: Map<string, Cell>) => Object.fromEntries([...m.keys()].sort().map((k) => [k, m.get(k)!.get()]));
    return {
      schemaVersion: 1,
      ...this.all.get(),
      records: this.records,
      errors: this.errors,
      gradeTimeouts: this.timeouts,
      byLevel: cells(this.groups.level),
      bySubject: cells(this.groups.subject),
      bySeed: cells(this.groups.seed),
      tokens: per(this.sums.tokens),
      promptTokens: per(this.sums.promptTokens),
      cachedTokens: per(this.sums.cachedTokens),
      policyCalls: per(this.sums.policyCalls),
      policyErrors: per(this.sums.policyErrors),
      prmSteps: per(this.sums.prmSteps),
      failures: per(this.sums.failures),
      cost: this.pricing ? per(costOf(this.pricing, this.sums)) : null,
      wallMs: per(this.sums.wallMs),
    };
  }
}

/** The summary of a results file, read as a stream. */
/** US$ per million tokens; prompt tokens served from the server's cache are billed at the cached rate. */
export interface Pricing {
  readonly promptPerMTok?: number;
  readonly cachedPromptPerMTok?: number;
  readonly completionPerMTok?: number;
}

const costOf = (p: Pricing, s: { tokens: number; promptTokens: number; cachedTokens: number }) =>
  ((s.promptTokens - s.cachedTokens) * (p.promptPerMTok ?? 0) +
    s.cachedTokens * (p.cachedPromptPerMTok ?? p.promptPerMTok ?? 0) +
    s.tokens * (p.completionPerMTok ?? 0)) /
  1e6;

export async function summarize(file: string, pricing?: Pricing): Promise<BenchSummary> {
  const b = new SummaryBuilder(pricing);
  for await (const r of readResults(file)) b.add(r);
  return b.build();
}
