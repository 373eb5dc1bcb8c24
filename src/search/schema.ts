import { FormatError } from '../core/errors.ts';
import type { Problem } from '../core/problem.ts';
import type { SearchResult } from './result.ts';
import { SearchTree, type TreeNode } from './tree.ts';

/** Bump when the JSON layout changes; loaders refuse versions they do not know. */
export const SCHEMA_VERSION = 1;

export type NodeJSON = Omit<TreeNode, 'children'>;

/** The portable tree format (versioned JSON). Deterministic: no wall-clock fields. */
export interface TreeJSON {
  schemaVersion: number;
  strategy: { name: string; config: Record<string, unknown> };
  seed: string;
  aggregation: string;
  selection: string;
  problem: Problem;
  bestId: string | null;
  stats: { policyCalls: number; tokens: number; prmCalls: number; nodes: number; failures: number; stoppedBy: string };
  nodes: NodeJSON[];
}

const NODE_KEYS = ['id', 'parent', 'depth', 'text', 'tokens', 'prior', 'score', 'value', 'visits', 'q', 'terminal', 'answer', 'order', 'count', 'requested', 'rollout', 'failed'] as const;

export function toTreeJSON(r: SearchResult): TreeJSON {
  const { policyCalls, tokens, prmCalls, nodes, failures, stoppedBy } = r.stats;
  return {
    schemaVersion: SCHEMA_VERSION,
    strategy: { name: r.strategy.name, config: { ...r.strategy.config } },
    seed: r.seed,
    aggregation: r.aggregation,
    selection: r.selection,
    problem: r.tree.problem,
    bestId: r.best?.nodeId ?? null,
    stats: { policyCalls, tokens, prmCalls, nodes, failures, stoppedBy },
    nodes: r.tree.nodes.map((n) => Object.fromEntries(NODE_KEYS.map((k) => [k, n[k]])) as unknown as NodeJSON),
  };
}

export function stringifyTree(r: SearchResult): string {
  return JSON.stringify(toTreeJSON(r));
}

/** A tree read back from JSON: inspect it, or pass it as `resume` to continue searching. */
export interface LoadedTree {
  readonly json: TreeJSON;
  readonly tree: SearchTree;
}

type Check = [string, (v: unknown) => boolean, string];
const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const numOrNull = (v: unknown) => v === null || num(v);
const strOrNull = (v: unknown) => v === null || typeof v === 'string';
const NODE_CHECKS: Check[] = [
  ['id', (v) => typeof v === 'string' && /^0(\.\d+)*$/.test(v), 'a path tag like 0.2.1'],
  ['parent', strOrNull, 'a node id or null'],
  ['depth', (v) => Number.isInteger(v) && (v as number) >= 0, 'an integer ≥ 0'],
  ['text', (v) => typeof v === 'string', 'a string'],
  ['tokens', num, 'a number'],
  ['prior', numOrNull, 'a number or null'],
  ['score', (v) => v === null || (num(v) && (v as number) >= 0 && (v as number) <= 1), 'a number in [0, 1] or null'],
  ['value', numOrNull, 'a number or null'],
  ['visits', (v) => Number.isInteger(v) && (v as number) >= 0, 'an integer ≥ 0'],
  ['q', numOrNull, 'a number or null'],
  ['terminal', (v) => typeof v === 'boolean', 'a boolean'],
  ['answer', strOrNull, 'a string or null'],
  ['order', (v) => Number.isInteger(v), 'an integer'],
  ['count', (v) => Number.isInteger(v) && (v as number) >= 1, 'an integer ≥ 1'],
  ['requested', (v) => Number.isInteger(v) && (v as number) >= 0, 'an integer ≥ 0'],
  ['rollout', (v) => typeof v === 'boolean', 'a boolean'],
  ['failed', strOrNull, 'a string or null'],
];

/** Parses and validates tree JSON. `where` (a file name) prefixes every error. */
export function parseTree(input: string | unknown, where = 'tree'): LoadedTree {
  let j: unknown = input;
  if (typeof input === 'string') {
    try {
      j = JSON.parse(input);
    } catch (e) {
      throw new FormatError(where, `not valid JSON (${(e as Error).message})`);
    }
  }
  if (typeof j !== 'object' || j === null) throw new FormatError(where, 'expected a JSON object');
  const t = j as TreeJSON;
  if (t.schemaVersion !== SCHEMA_VERSION) throw new FormatError(`${where}: schemaVersion`, `expected ${SCHEMA_VERSION}, got ${JSON.stringify(t.schemaVersion)}`);
  if (typeof t.problem !== 'object' || t.problem === null || typeof t.problem.text !== 'string' || typeof t.problem.id !== 'string')
    throw new FormatError(`${where}: problem`, 'expected {id: string, text: string}');
  if (!Array.isArray(t.nodes) || t.nodes.length === 0) throw new FormatError(`${where}: nodes`, 'expected a non-empty array');
  const byId = new Map<string, TreeNode & { children: string[] }>();
  const nodes = t.nodes.map((raw, i) => {
    const at = `${where}: nodes[${i}]`;
    if (typeof raw !== 'object' || raw === null) throw new FormatError(at, 'expected an object');
    for (const [k, ok, want] of NODE_CHECKS) if (!ok((raw as unknown as Record<string, unknown>)[k])) throw new FormatError(`${at}.${k}`, `expected ${want}, got ${JSON.stringify((raw as unknown as Record<string, unknown>)[k])}`);
    const parent = raw.parent === null ? null : byId.get(raw.parent);
    if (i === 0 ? raw.parent !== null || raw.id !== '0' : !parent) throw new FormatError(`${at}.parent`, i === 0 ? 'the first node must be the root 0 with parent null' : `parent ${raw.parent} does not come earlier`);
    const n = { ...raw, children: [] as string[] };
    if (parent) {
      if (raw.id !== `${parent.id}.${parent.children.length}` || raw.depth !== parent.depth + 1) throw new FormatError(`${at}.id`, `expected ${parent.id}.${parent.children.length} at depth ${parent.depth + 1}`);
      parent.children.push(n.id);
    }
    byId.set(n.id, n);
    return n;
  });
  for (const n of nodes) Object.freeze(Object.freeze(n).children);
  if (t.bestId !== null && !byId.has(t.bestId)) throw new FormatError(`${where}: bestId`, `no node ${t.bestId}`);
  return { json: t, tree: SearchTree.of(t.problem, nodes) };
}
