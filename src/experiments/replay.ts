import { readFileSync } from 'node:fs';
import { FormatError, InvalidOptionError } from '../core/errors.ts';
import { levelBin } from './bins.ts';
import type { SweepItem } from './sources.ts';
import type { PoolRow } from './sweep.ts';

/**
 * A precomputed best-of-N set (Qwen2.5-Math `math_cot_100.jsonl`): per problem, N sampled answers
 * (`pred`), their grades (`score`, booleans) and a reward-model scalar each (`pred_score`, [[x]…]).
 * The RM scalar is a logit; weighted votes use σ(x) so that weights are positive. No token counts are
 * in the file, so the cost axes of a replay are samples only (policy calls = PRM calls = n).
 */
export function loadReplay(file: string, prm: string): { items: SweepItem[]; rows: PoolRow[]; responses: Map<string, readonly string[]> } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InvalidOptionError('task.path', `cannot read ${file}: ${(e as Error).message}`);
  }
  const items: SweepItem[] = [];
  const rows: PoolRow[] = [];
  const responses = new Map<string, readonly string[]>();
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const where = `${file}:${i + 1}`;
    let r: Record<string, unknown>;
    try {
      r = JSON.parse(line);
    } catch (e) {
      throw new FormatError(where, `not JSON: ${(e as Error).message}`);
    }
    const pred = r.pred,
      score = r.score,
      ps = r.pred_score;
    if (!Array.isArray(pred) || !Array.isArray(score) || !Array.isArray(ps) || pred.length !== score.length || pred.length !== ps.length || pred.length === 0)
      throw new FormatError(where, 'expected `pred`, `score` and `pred_score` arrays of one length');
    const samples = pred.map((p, j) => {
      const x = Array.isArray(ps[j]) ? (ps[j] as unknown[])[0] : ps[j];
      if (typeof x !== 'number' || !Number.isFinite(x)) throw new FormatError(where, `pred_score[${j}] is not a number`);
      if (typeof score[j] !== 'boolean') throw new FormatError(where, `score[${j}] is not a boolean`);
      return [p === null || p === '' ? null : String(p), x, score[j] as boolean] as const;
    });
    const id = `replay-${r.idx ?? i}`;
    const level = r.level === undefined ? undefined : levelBin(r.level as string, `${where} level`);
    // the sampled solutions, for our own PRMs to score step by step (`response`, or `code` in older files)
    const resp = r.response ?? r.code;
    if (Array.isArray(resp) && resp.length === pred.length && resp.every((x) => typeof x === 'string')) responses.set(id, resp as string[]);
    items.push({ id, problem: { id, text: String(r.question ?? '') }, reference: String(r.gt ?? r.answer ?? ''), level });
    rows.push({
      key: `pool|${prm}|${id}|0`,
      kind: 'pool',
      prm,
      problem: id,
      seed: 0,
      samples,
      tokens: 0,
      policyCalls: samples.length,
      prmCalls: samples.length,
    });
  });
  if (!rows.length) throw new FormatError(file, 'no rows');
  return { items, rows, responses };
}

/** σ of the RM logit, for weighted votes (the vote weights must be positive). */
export const sigmoidScores = (rows: readonly PoolRow[]): PoolRow[] =>
  rows.map((r) => ({ ...r, samples: r.samples.map(([a, s, c]) => [a, 1 / (1 + Math.exp(-s)), c] as const) }));
