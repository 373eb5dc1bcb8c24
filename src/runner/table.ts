import type { AccuracyCell, BenchSummary } from './summary.ts';

const pct = (x: number | null) => (x === null ? '   -  ' : `${(100 * x).toFixed(1).padStart(5)}%`);
const ci = (c: AccuracyCell) => (c.ci95 ? `[${(100 * c.ci95[0]).toFixed(1)}, ${(100 * c.ci95[1]).toFixed(1)}]` : '-');
const row = (name: string, c: AccuracyCell) => `  ${name.padEnd(24)} ${String(c.correct).padStart(6)}/${String(c.n).padEnd(6)} ${pct(c.accuracy)}  ${ci(c)}`;
const num = (x: number) => (Number.isInteger(x) ? x.toLocaleString('en-US') : x.toLocaleString('en-US', { maximumFractionDigits: 1 }));

/** The printed summary: accuracy with its 95 % Wilson interval, by level and subject, then cost. */
export function formatSummary(s: BenchSummary, title: string, simulated: boolean): string {
  const lines = [
    `${title}${simulated ? '  [SIMULATED policy/PRM: not a model result]' : ''}`,
    `  ${'accuracy'.padEnd(24)} ${'correct/n'.padStart(13)}  ${'acc'.padStart(6)}  95% CI (Wilson)`,
    row('all', s),
  ];
  for (const [k, c] of Object.entries(s.byLevel)) lines.push(row(`level ${k}`, c));
  for (const [k, c] of Object.entries(s.bySubject)) lines.push(row(k, c));
  if (Object.keys(s.bySeed).length > 1) for (const [k, c] of Object.entries(s.bySeed)) lines.push(row(`seed ${k}`, c));
  lines.push(
    `  records ${s.records}, errors ${s.errors}${s.errors ? ' (excluded from accuracy; --retry-errors reruns them)' : ''}, grading timeouts ${s.gradeTimeouts}`,
  );
  lines.push(`  ${'per problem'.padEnd(24)} ${'mean'.padStart(12)} ${'total'.padStart(14)}`);
  const t = (name: string, x: { total: number; perProblem: number }) =>
    lines.push(`  ${name.padEnd(24)} ${num(x.perProblem).padStart(12)} ${num(x.total).padStart(14)}`);
  t('tokens', s.tokens);
  if (s.promptTokens.total) (t('prompt tokens', s.promptTokens), t('  from server cache', s.cachedTokens));
  t('policy calls', s.policyCalls);
  t('failed policy calls', s.policyErrors);
  t('PRM steps', s.prmSteps);
  t('failed nodes', s.failures);
  if (s.cost) t('cost (US$)', s.cost);
  t('wall (ms)', s.wallMs);
  return lines.join('\n');
}
