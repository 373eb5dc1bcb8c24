import { freeze } from 'immer';
import type { Problem } from '../core/problem.ts';

/** A node as callers see it: frozen. Ids are path tags (`0` root, `0.2` its third child, …). */
export interface TreeNode {
  readonly id: string;
  readonly parent: string | null;
  readonly depth: number;
  /** Step text; '' for the root. */
  readonly text: string;
  readonly tokens: number;
  /** Policy log-probability of the step (MCTS prior), null when the policy gave none. */
  readonly prior: number | null;
  /** PRM score of this step, null for the root and for unscored/failed nodes. */
  readonly score: number | null;
  /** Aggregated PRM value of the path root→node. */
  readonly value: number | null;
  readonly visits: number;
  /** Mean backed-up value (MCTS); null before the first visit. */
  readonly q: number | null;
  readonly terminal: boolean;
  readonly answer: string | null;
  /** Creation order, 0 for the root. */
  readonly order: number;
  /** How many sampled proposals were merged into this node (majority vote weight). */
  readonly count: number;
  /** Proposals requested from the policy for this node so far (lets a continued search reuse them). */
  readonly requested: number;
  /** Created by an MCTS rollout rather than an expansion. */
  readonly rollout: boolean;
  readonly failed: string | null;
  readonly children: readonly string[];
}

/** Internal mutable record; the store hands out frozen snapshots only. */
export interface NodeRec {
  id: string;
  parent: NodeRec | null;
  depth: number;
  text: string;
  tokens: number;
  prior: number | null;
  score: number | null;
  value: number | null;
  visits: number;
  w: number;
  terminal: boolean;
  answer: string | null;
  order: number;
  count: number;
  requested: number;
  calls: number;
  rollout: boolean;
  failed: string | null;
  children: NodeRec[];
  /** text → child, to merge duplicate proposals; built lazily. */
  byText: Map<string, NodeRec> | null;
}

/** The mutable tree the engine and strategies work on during one search. */
export class TreeStore {
  readonly nodes: NodeRec[] = [];
  private readonly index = new Map<string, NodeRec>();
  readonly root: NodeRec;

  constructor(readonly problem: Problem) {
    this.root = this.add(null, { text: '', tokens: 0, terminal: false });
  }

  get size(): number {
    return this.nodes.length;
  }

  get(id: string): NodeRec | undefined {
    return this.index.get(id);
  }

  add(
    parent: NodeRec | null,
    p: { text: string; tokens: number; terminal: boolean; answer?: string | null; prior?: number | null; rollout?: boolean },
  ): NodeRec {
    const n: NodeRec = {
      id: parent ? `${parent.id}.${parent.children.length}` : '0',
      parent,
      depth: parent ? parent.depth + 1 : 0,
      text: p.text,
      tokens: p.tokens,
      prior: p.prior ?? null,
      score: null,
      value: null,
      visits: 0,
      w: 0,
      terminal: p.terminal,
      answer: p.answer ?? null,
      order: this.nodes.length,
      count: 1,
      requested: 0,
      calls: 0,
      rollout: p.rollout ?? false,
      failed: null,
      children: [],
      byText: null,
    };
    if (parent) {
      parent.children.push(n);
      (parent.byText ??= new Map()).set(n.text, n);
    }
    this.nodes.push(n);
    this.index.set(n.id, n);
    return n;
  }

  childByText(parent: NodeRec, text: string): NodeRec | undefined {
    return parent.byText?.get(text);
  }

  /** Step texts root→node (root excluded). */
  steps(n: NodeRec): string[] {
    const out: string[] = [];
    for (let c: NodeRec | null = n; c && c.parent; c = c.parent) out.push(c.text);
    return out.reverse();
  }

  /** PRM scores root→node (root excluded; unscored steps count as 0). */
  scores(n: NodeRec): number[] {
    const out: number[] = [];
    for (let c: NodeRec | null = n; c && c.parent; c = c.parent) out.push(c.score ?? 0);
    return out.reverse();
  }

  snapshot(): SearchTree {
    return new SearchTree(this.problem, this.nodes.map(toView));
  }
}

export function toView(n: NodeRec): TreeNode {
  return {
    id: n.id,
    parent: n.parent ? n.parent.id : null,
    depth: n.depth,
    text: n.text,
    tokens: n.tokens,
    prior: n.prior,
    score: n.score,
    value: n.value,
    visits: n.visits,
    q: n.visits > 0 ? n.w / n.visits : null,
    terminal: n.terminal,
    answer: n.answer,
    order: n.order,
    count: n.count,
    requested: n.requested,
    rollout: n.rollout,
    failed: n.failed,
    children: n.children.map((c) => c.id),
  };
}

/** An immutable search tree: frozen nodes in creation order, with lookups. */
export class SearchTree {
  private readonly index: ReadonlyMap<string, TreeNode>;

  constructor(readonly problem: Problem, readonly nodes: readonly TreeNode[]) {
    freeze(nodes, true);
    this.index = new Map(nodes.map((n) => [n.id, n]));
    Object.freeze(this);
  }

  get root(): TreeNode {
    return this.nodes[0]!;
  }

  get size(): number {
    return this.nodes.length;
  }

  get(id: string): TreeNode | undefined {
    return this.index.get(id);
  }

  children(id: string): TreeNode[] {
    return (this.index.get(id)?.children ?? []).map((c) => this.index.get(c)!);
  }

  /** Nodes root→id. */
  path(id: string): TreeNode[] {
    const out: TreeNode[] = [];
    for (let n = this.index.get(id); n; n = n.parent === null ? undefined : this.index.get(n.parent)) out.push(n);
    return out.reverse();
  }

  steps(id: string): string[] {
    return this.path(id).slice(1).map((n) => n.text);
  }

  terminals(): TreeNode[] {
    return this.nodes.filter((n) => n.terminal && n.failed === null);
  }
}

/** Rebuilds a working store from a frozen tree (to continue a search), keeping every score. */
export function storeFrom(tree: SearchTree): TreeStore {
  const s = new TreeStore(tree.problem);
  for (const v of tree.nodes) {
    const n = v.parent === null ? s.root : s.add(s.get(v.parent)!, { text: v.text, tokens: v.tokens, terminal: v.terminal, answer: v.answer, prior: v.prior, rollout: v.rollout });
    Object.assign(n, { score: v.score, value: v.value, visits: v.visits, w: (v.q ?? 0) * v.visits, count: v.count, requested: v.requested, failed: v.failed });
  }
  return s;
}
