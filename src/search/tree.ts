import { freeze } from 'immer';
import type { Problem } from '../core/problem.ts';
import { nodeFields, restoreFields, type NodeCore } from './fields.ts';

/** A node as callers see it: frozen (fields: NodeCore, in fields.ts). */
export interface TreeNode extends NodeCore {
  readonly parent: string | null;
  /** Mean backed-up value (MCTS); null before the first visit. */
  readonly q: number | null;
  readonly children: readonly string[];
}

/** Internal mutable record; the store hands out frozen snapshots only. Its id: `idOf`. */
export type NodeRec = { -readonly [K in Exclude<keyof NodeCore, 'id'>]: NodeCore[K] } & {
  parent: NodeRec | null;
  /** Total backed-up value (MCTS): q = w / visits. */
  w: number;
  /** Read-only outside the store (a leaf shares one frozen empty array until its first child). */
  children: NodeRec[];
  /**
   * The path tag once made (idOf); until then the node's index among its parent's children, the
   * tag's last part (one field for both: a field is 8 bytes of every record).
   */
  tag: string | number;
};

/**
 * A record's id (path tag), made on first read and kept. A record holds no id string from the
 * start: a string per node would be a young object that every (pretenured) record points to, which
 * the scavenger walks and copies, and most ids are never read during a search. (A prototype getter
 * would keep `node.id`, but a literal with `__proto__` costs a runtime call per record: measured
 * slower, benchmarks/README.md.)
 */
export function idOf(n: NodeRec): string {
  if (typeof n.tag === 'string') return n.tag;
  // up to the nearest ancestor with its id (the root has '0' from the start), then down, keeping each
  const path: NodeRec[] = [];
  let c = n;
  for (; typeof c.tag !== 'string'; c = c.parent!) path.push(c);
  let tag: string = c.tag;
  for (let i = path.length - 1; i >= 0; i--) tag = path[i]!.tag = `${tag}.${path[i]!.tag}`;
  return tag;
}

const WIDE = 16;
const NO_CHILDREN: NodeRec[] = Object.freeze([]) as unknown as NodeRec[];

/**
 * A children array holding `n`, with room for `width` children (up to 8). A pushed array that
 * outgrows its store gets a new, young one, which survives the search and is copied twice by the
 * scavenger even when the array itself was pretenured; this one is made at its size by a literal
 * (V8 may pretenure it with its store), and truncating keeps the store. Beam B=1024: 25–30 %
 * fewer bytes survived scavenges (benchmarks/README.md, round 7).
 */
function firstChildren(n: NodeRec, width: number): NodeRec[] {
  let kids: NodeRec[];
  if (width <= 1) return [n];
  if (width <= 2) kids = [n, n];
  else if (width <= 4) kids = [n, n, n, n];
  else if (width <= 8) kids = [n, n, n, n, n, n, n, n];
  else return [n];
  kids.length = 1;
  return kids;
}

/** The mutable tree the engine and strategies work on during one search. */
export class TreeStore {
  readonly nodes: NodeRec[] = [];
  readonly root: NodeRec;
  /** text → child for wide nodes, to merge duplicate proposals (a scan is cheaper below WIDE children). */
  private readonly byText = new Map<NodeRec, Map<string, NodeRec>>();

  constructor(readonly problem: Problem) {
    this.root = this.add(null, { text: '', tokens: 0, terminal: false });
  }

  get size(): number {
    return this.nodes.length;
  }

  idOf(n: NodeRec): string {
    return idOf(n);
  }

  get(id: string): NodeRec | undefined {
    // ids are path tags: walk them instead of keeping an id → node map
    if (id === '0') return this.root;
    if (!id.startsWith('0.')) return undefined;
    let n: NodeRec | undefined = this.root;
    for (let i = 2; n && i <= id.length;) {
      let j = id.indexOf('.', i);
      if (j < 0) j = id.length;
      const part = id.slice(i, j);
      n = /^(0|[1-9]\d*)$/.test(part) ? n.children[Number(part)] : undefined;
      i = j + 1;
    }
    return n;
  }

  add(
    parent: NodeRec | null,
    p: { text: string; tokens: number; terminal: boolean; answer?: string | null; prior?: number | null; rollout?: boolean },
  ): NodeRec {
    return this.addStep(parent, p.text, p.tokens, p.terminal, p.answer ?? null, p.prior ?? null, p.rollout ?? false);
  }

  /**
   * `add` without the options object: the engine calls it once per node. `width`: the proposals of
   * the expansion adding it, so a parent's first child makes its children array at that size.
   */
  addStep(
    parent: NodeRec | null,
    text: string,
    tokens: number,
    terminal: boolean,
    answer: string | null,
    prior: number | null,
    rollout: boolean,
    width = 1,
  ): NodeRec {
    // An object literal, not a class: V8 may pretenure a literal's allocation site (a search's nodes
    // all survive it), so they skip the young generation; a class's instances are copied through it.
    // Class records, with lazy ids and rare fields in a side object or (round 7) with every number
    // in column arrays, promoted 1.8x and 3.3x the bytes. The decision is V8's and can go either way
    // in a process: a scavenge that finds most recent nodes dead (a search just dropped) vetoes it.
    const n: NodeRec = {
      tag: parent ? parent.children.length : '0',
      parent,
      depth: parent ? parent.depth + 1 : 0,
      text,
      tokens,
      prior,
      score: null,
      value: null,
      visits: 0,
      w: 0,
      terminal,
      answer,
      order: this.nodes.length,
      count: 1,
      requested: 0,
      rollout,
      failed: null,
      children: NO_CHILDREN,
    };
    if (parent) {
      const kids = parent.children;
      if (kids === NO_CHILDREN) parent.children = firstChildren(n, width);
      else {
        kids.push(n);
        const index = this.byText.get(parent);
        if (index) index.set(n.text, n);
        else if (kids.length > WIDE) this.byText.set(parent, new Map(kids.map((c) => [c.text, c])));
      }
    }
    this.nodes.push(n);
    return n;
  }

  childByText(parent: NodeRec, text: string): NodeRec | undefined {
    const kids = parent.children;
    if (kids.length > WIDE) return this.byText.get(parent)!.get(text);
    for (let i = 0; i < kids.length; i++) if (kids[i]!.text === text) return kids[i];
    return undefined;
  }

  /** Step texts root→node (root excluded). */
  steps(n: NodeRec): string[] {
    const out = new Array<string>(n.depth);
    for (let c = n, i = n.depth - 1; c.parent; c = c.parent) out[i--] = c.text;
    return out;
  }

  /** PRM scores root→node (root excluded; unscored steps count as 0). */
  scores(n: NodeRec): number[] {
    const out: number[] = [];
    for (let c: NodeRec | null = n; c && c.parent; c = c.parent) out.push(c.score ?? 0);
    return out.reverse();
  }

  /** The result's tree. Views are made (and frozen) on first access; the store is not changed after a search ends. */
  snapshot(): SearchTree {
    const nodes = this.nodes;
    return new SearchTree(this.problem, { size: nodes.length, at: (i) => toView(nodes[i]!), find: (id) => this.get(id)?.order });
  }
}

export function toView(n: NodeRec): TreeNode {
  const v = nodeFields(n) as TreeNode & { children: readonly string[] };
  v.children = freeze(n.children.map(idOf));
  return freeze(v);
}

/** Where a SearchTree reads its nodes from: a finished store, or nodes loaded from JSON. */
export interface NodeSource {
  readonly size: number;
  at(i: number): TreeNode;
  find(id: string): number | undefined;
}

/** An immutable search tree: frozen nodes in creation order, with lookups. */
export class SearchTree {
  /** Views made so far (allocated on first access: many results are only ever serialised or dropped). */
  private cache: (TreeNode | undefined)[] | null = null;
  private all: readonly TreeNode[] | null = null;

  constructor(
    readonly problem: Problem,
    private readonly src: NodeSource,
  ) {}

  static of(problem: Problem, nodes: readonly TreeNode[]): SearchTree {
    const index = new Map(nodes.map((n, i) => [n.id, i]));
    return new SearchTree(problem, { size: nodes.length, at: (i) => nodes[i]!, find: (id) => index.get(id) });
  }

  /** All nodes in creation order (frozen). */
  get nodes(): readonly TreeNode[] {
    if (!this.all) {
      const out = new Array<TreeNode>(this.src.size);
      for (let i = 0; i < out.length; i++) out[i] = this.at(i);
      this.all = freeze(out);
    }
    return this.all;
  }

  private at(i: number): TreeNode {
    return ((this.cache ??= new Array(this.src.size))[i] ??= this.src.at(i));
  }

  get root(): TreeNode {
    return this.at(0);
  }

  get size(): number {
    return this.src.size;
  }

  get(id: string): TreeNode | undefined {
    const i = this.src.find(id);
    return i === undefined ? undefined : this.at(i);
  }

  children(id: string): TreeNode[] {
    return (this.get(id)?.children ?? []).map((c) => this.get(c)!);
  }

  /** Nodes root→id. */
  path(id: string): TreeNode[] {
    const out: TreeNode[] = [];
    for (let n = this.get(id); n; n = n.parent === null ? undefined : this.get(n.parent)) out.push(n);
    return out.reverse();
  }

  steps(id: string): string[] {
    return this.path(id)
      .slice(1)
      .map((n) => n.text);
  }

  terminals(): TreeNode[] {
    return this.nodes.filter((n) => n.terminal && n.failed === null);
  }
}

/**
 * Rebuilds a working store from a frozen tree (to continue a search), keeping every score and
 * proposal count. Strategy state (visits, q) starts from zero: the resumed strategy replays over the
 * saved tree, reusing its proposals and scores, and so rebuilds it.
 */
export function storeFrom(tree: SearchTree): TreeStore {
  const s = new TreeStore(tree.problem);
  const byId = new Map<string, NodeRec>();
  for (const v of tree.nodes) {
    const n = v.parent === null ? s.root : s.addStep(byId.get(v.parent)!, v.text, v.tokens, v.terminal, v.answer, v.prior, v.rollout);
    byId.set(v.id, n);
    restoreFields(n, v);
  }
  return s;
}
