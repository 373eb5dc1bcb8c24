import { idOf, type NodeRec, type TreeNode } from './tree.ts';

/**
 * The fields every node has, documented once: the frozen view and the JSON (TreeNode), what a
 * strategy sees (SearchNode) and the engine's record (NodeRec) all take them from here, and the
 * table below gives each one its JSON check.
 */
export interface NodeCore {
  /** Path tag: `0` is the root, `0.2` its third child, … */
  readonly id: string;
  readonly depth: number;
  /** Step text; '' for the root. */
  readonly text: string;
  /** Tokens the policy spent on the step. */
  readonly tokens: number;
  /** Policy log-probability of the step (the MCTS prior), null when the policy gave none. */
  readonly prior: number | null;
  /** PRM score of this step, null for the root and for unscored or failed nodes. */
  readonly score: number | null;
  /** Aggregated PRM value of the path root→node (the search's aggregation). */
  readonly value: number | null;
  /** A finished trajectory ends here. */
  readonly terminal: boolean;
  /** A terminal's final answer; null elsewhere. */
  readonly answer: string | null;
  /** Creation order, 0 for the root: the tie-breaker that keeps rankings deterministic. */
  readonly order: number;
  /** How many sampled proposals were merged into this node (the majority-vote weight). */
  readonly count: number;
  /** Proposals requested from the policy at this node so far (a continued search reuses them). */
  readonly requested: number;
  /** Created by an MCTS rollout rather than an expansion. */
  readonly rollout: boolean;
  /** Why the node failed (a policy or PRM error, a per-call timeout), or null. */
  readonly failed: string | null;
  /** Simulations backed up through the node (MCTS; 0 for the other strategies). */
  readonly visits: number;
}

/** A node's fields as JSON carries them: every TreeNode field except `children` (implied by `parent`). */
export type NodeJSON = Omit<TreeNode, 'children'>;

interface Field<K extends keyof NodeJSON> {
  /** The check parseTree applies, and what it says it expected. */
  readonly ok: (v: unknown) => boolean;
  readonly want: string;
  /** The view's value, from the store's record. */
  readonly view: (n: NodeRec) => NodeJSON[K];
  /** Copied back into a record when a saved tree is resumed (the others are rebuilt by the store or the strategy). */
  readonly restore?: true;
}

const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const numOrNull = (v: unknown) => v === null || num(v);
const strOrNull = (v: unknown) => v === null || typeof v === 'string';
const bool = (v: unknown) => typeof v === 'boolean';
const intFrom = (min: number) => (v: unknown) => Number.isInteger(v) && (v as number) >= min;

/**
 * Node fields, listed once: this table's order is the JSON key order, its checks are parseTree's,
 * its views build TreeNode. The mapped type makes the compiler insist on every TreeNode field.
 */
export const NODE_FIELDS: { readonly [K in keyof NodeJSON]-?: Field<K> } = {
  id: { ok: (v) => typeof v === 'string' && /^0(\.\d+)*$/.test(v), want: 'a path tag like 0.2.1', view: idOf },
  parent: { ok: strOrNull, want: 'a node id or null', view: (n) => (n.parent ? idOf(n.parent) : null) },
  depth: { ok: intFrom(0), want: 'an integer ≥ 0', view: (n) => n.depth },
  text: { ok: (v) => typeof v === 'string', want: 'a string', view: (n) => n.text },
  tokens: { ok: num, want: 'a number', view: (n) => n.tokens },
  prior: { ok: numOrNull, want: 'a number or null', view: (n) => n.prior },
  score: {
    ok: (v) => v === null || (num(v) && (v as number) >= 0 && (v as number) <= 1),
    want: 'a number in [0, 1] or null',
    view: (n) => n.score,
    restore: true,
  },
  value: { ok: numOrNull, want: 'a number or null', view: (n) => n.value, restore: true },
  visits: { ok: intFrom(0), want: 'an integer ≥ 0', view: (n) => n.visits },
  q: { ok: numOrNull, want: 'a number or null', view: (n) => (n.visits > 0 ? n.w / n.visits : null) },
  terminal: { ok: bool, want: 'a boolean', view: (n) => n.terminal },
  answer: { ok: strOrNull, want: 'a string or null', view: (n) => n.answer },
  order: { ok: (v) => Number.isInteger(v), want: 'an integer', view: (n) => n.order },
  count: { ok: intFrom(1), want: 'an integer ≥ 1', view: (n) => n.count, restore: true },
  requested: { ok: intFrom(0), want: 'an integer ≥ 0', view: (n) => n.requested, restore: true },
  rollout: { ok: bool, want: 'a boolean', view: (n) => n.rollout },
  failed: { ok: strOrNull, want: 'a string or null', view: (n) => n.failed, restore: true },
};

export const NODE_KEYS = Object.keys(NODE_FIELDS) as (keyof NodeJSON)[];
const entries = NODE_KEYS.map((k) => [k, NODE_FIELDS[k]] as const);

/** The JSON fields of a store record, in table order. */
export function nodeFields(n: NodeRec): NodeJSON {
  const out: Record<string, unknown> = {};
  for (const [k, f] of entries) out[k] = f.view(n);
  return out as unknown as NodeJSON;
}

/** A view's JSON fields, in table order (the JSON key order). */
export function pickFields(t: TreeNode): NodeJSON {
  const out: Record<string, unknown> = {};
  for (const k of NODE_KEYS) out[k] = t[k];
  return out as unknown as NodeJSON;
}

/** The first field of `raw` that fails its check, with what was expected. */
export function badField(raw: Record<string, unknown>): { key: keyof NodeJSON; want: string } | null {
  for (const [k, f] of entries) if (!f.ok(raw[k])) return { key: k, want: f.want };
  return null;
}

/** Copies the fields a resumed search keeps from a saved node into a fresh record. */
export function restoreFields(n: NodeRec, v: NodeJSON): void {
  const rec = n as unknown as Record<string, unknown>;
  for (const [k, f] of entries) if (f.restore) rec[k] = v[k];
}
