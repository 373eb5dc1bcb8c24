import { FormatError } from '../core/errors.ts';
import type { Problem } from '../core/problem.ts';
import type { SearchResult } from './result.ts';
import { badField, pickFields, type NodeJSON } from './fields.ts';
import { SearchTree, type TreeNode } from './tree.ts';

/** Bump when the JSON layout changes; loaders refuse versions they do not know. */
export const SCHEMA_VERSION = 1;

export type { NodeJSON } from './fields.ts';

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
    nodes: r.tree.nodes.map((n) => pickFields(n)),
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
  if (t.schemaVersion !== SCHEMA_VERSION)
    throw new FormatError(`${where}: schemaVersion`, `expected ${SCHEMA_VERSION}, got ${JSON.stringify(t.schemaVersion)}`);
  if (typeof t.problem !== 'object' || t.problem === null || typeof t.problem.text !== 'string' || typeof t.problem.id !== 'string')
    throw new FormatError(`${where}: problem`, 'expected {id: string, text: string}');
  if (!Array.isArray(t.nodes) || t.nodes.length === 0) throw new FormatError(`${where}: nodes`, 'expected a non-empty array');
  const byId = new Map<string, TreeNode & { children: string[] }>();
  const nodes = t.nodes.map((raw, i) => {
    const at = `${where}: nodes[${i}]`;
    if (typeof raw !== 'object' || raw === null) throw new FormatError(at, 'expected an object');
    const bad = badField(raw as unknown as Record<string, unknown>);
    if (bad) throw new FormatError(`${at}.${bad.key}`, `expected ${bad.want}, got ${JSON.stringify((raw as unknown as Record<string, unknown>)[bad.key])}`);
    const parent = raw.parent === null ? null : byId.get(raw.parent);
    if (i === 0 ? raw.parent !== null || raw.id !== '0' : !parent)
      throw new FormatError(`${at}.parent`, i === 0 ? 'the first node must be the root 0 with parent null' : `parent ${raw.parent} does not come earlier`);
    const n = { ...raw, children: [] as string[] };
    if (parent) {
      if (raw.id !== `${parent.id}.${parent.children.length}` || raw.depth !== parent.depth + 1)
        throw new FormatError(`${at}.id`, `expected ${parent.id}.${parent.children.length} at depth ${parent.depth + 1}`);
      parent.children.push(n.id);
    }
    byId.set(n.id, n);
    return n;
  });
  for (const n of nodes) Object.freeze(Object.freeze(n).children);
  if (t.bestId !== null && !byId.has(t.bestId)) throw new FormatError(`${where}: bestId`, `no node ${t.bestId}`);
  return { json: t, tree: SearchTree.of(t.problem, nodes) };
}
