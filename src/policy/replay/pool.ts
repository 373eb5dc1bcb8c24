import { readFileSync } from 'node:fs';
import { FormatError, errorText } from '../../core/errors.ts';
import { splitLines } from '../steps.ts';

/** One generated solution, split into steps, with its extracted final answer when the data has one. */
export interface Candidate {
  readonly steps: readonly string[];
  readonly answer: string | null;
  /** The generation was cut before its final answer (GSM8K solutions without an `A:` line). */
  readonly truncated?: boolean;
}

/** The candidates of one problem as a trie: a node's children are the distinct next steps in the pool. */
export interface TrieNode {
  readonly children: Map<string, TrieChild>;
}
export interface TrieChild {
  readonly node: TrieNode;
  /** Candidates through this step. */
  count: number;
  /** Candidates that end at this step. */
  ends: number;
  answer: string | null;
  truncated: boolean;
}

export const GSM8K_MODEL_KEYS = ['6b_finetuning', '6b_verification', '175b_finetuning', '175b_verification'] as const;

/** Problems are matched by text: whitespace runs collapse, ends are trimmed. */
export const textKey = (s: string): string => s.replace(/\s+/g, ' ').trim();

/**
 * Reads candidate pools: the Qwen2.5-Math best-of-N file (`question`, `response[]`, `pred[]`; steps are its
 * blank-line paragraphs, the answer is its `pred`) and the GSM8K example model solutions (`question` and four model
 * keys with `solution`; steps are lines, the last line `A: N` joins the step before it). The reference
 * (`gt`, `ground_truth`) is never part of a pool.
 */
export function readPool(file: string, into = new Map<string, Candidate[]>()): Map<string, Candidate[]> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new FormatError(file, `cannot read the candidate pool: ${errorText(e)}`);
  }
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const where = `${file}:${i + 1}`;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line);
    } catch (e) {
      throw new FormatError(where, `not JSON: ${errorText(e)}`);
    }
    if (typeof row.question !== 'string') throw new FormatError(where, 'expected a string `question`');
    const list = into.get(textKey(row.question)) ?? [];
    list.push(...candidatesOf(row, where));
    into.set(textKey(row.question), list);
  });
  return into;
}

function candidatesOf(row: Record<string, unknown>, where: string): Candidate[] {
  if (Array.isArray(row.response)) {
    const preds = Array.isArray(row.pred) ? row.pred : [];
    return row.response.map((r, j) => {
      if (typeof r !== 'string') throw new FormatError(`${where}: response[${j}]`, 'expected a string');
      const steps = r
        .split(/\n\n+/)
        .map((s) => s.trim())
        .filter(Boolean);
      return { steps, answer: typeof preds[j] === 'string' ? preds[j] : null };
    });
  }
  if (GSM8K_MODEL_KEYS.some((k) => k in row)) {
    return GSM8K_MODEL_KEYS.filter((k) => k in row).map((k) => {
      const sol = (row[k] as { solution?: unknown } | null)?.solution;
      if (typeof sol !== 'string') throw new FormatError(`${where}: ${k}.solution`, 'expected a string');
      const { steps, answer } = splitLines(sol);
      if (answer === null) return { steps, answer: null, truncated: true };
      const last = steps.pop();
      return { steps: [...steps, last === undefined ? `A: ${answer}` : `${last}\nA: ${answer}`], answer };
    });
  }
  throw new FormatError(where, 'expected a best-of-N row (`response` list) or a GSM8K example-solutions row (model keys such as `6b_finetuning`)');
}

export function buildTrie(candidates: readonly Candidate[]): TrieNode {
  const root: TrieNode = { children: new Map() };
  for (const c of candidates) {
    let node = root;
    c.steps.forEach((s, i) => {
      let child = node.children.get(s);
      if (!child) node.children.set(s, (child = { node: { children: new Map() }, count: 0, ends: 0, answer: null, truncated: false }));
      child.count++;
      if (i === c.steps.length - 1) (child.ends++, (child.answer ??= c.answer), (child.truncated ||= c.truncated === true));
      node = child.node;
    });
  }
  return root;
}
