import type { Problem } from '../../core/problem.ts';
import type { ProposeRequest } from '../../policy/types.ts';
import type { ScoreRequest } from '../../reward/types.ts';
import { whenAborted } from '../abort.ts';
import { idOf, type NodeRec, type TreeStore } from '../tree.ts';

/** What every ProposeCall of one search shares (so a call carries one pointer for them). */
export interface ProposeScope {
  readonly store: TreeStore;
  readonly problem: Problem;
  /** The search's seed: a call's seed is it, the node id and the proposals requested before. */
  readonly seed: string;
  /** Aborts when the search stops. */
  readonly signal: AbortSignal;
}

/**
 * One policy call. `steps`, `seed` and `signal` are built only if the policy reads them: a zero-cost
 * or in-process policy pays for none of them. The signal aborts when the search stops or the call
 * is given up (timeout), whichever comes first. `at` is the call's expansion in its wave.
 */
export class ProposeCall implements ProposeRequest {
  private ctl: AbortController | null = null;
  private gaveUp: unknown = undefined;
  private unlink: (() => void) | null = null;
  constructor(
    private readonly scope: ProposeScope,
    readonly node: NodeRec,
    readonly k: number,
    /** Proposals requested at the node before this call. */
    readonly requested: number,
    readonly at: number,
  ) {}
  get problem(): Problem {
    return this.scope.problem;
  }
  get nodeId(): string {
    return idOf(this.node);
  }
  get seed(): string {
    return `${this.scope.seed}/${idOf(this.node)}/${this.requested}`;
  }
  get steps(): string[] {
    return this.scope.store.steps(this.node);
  }
  get signal(): AbortSignal {
    if (this.ctl) return this.ctl.signal;
    const ctl = (this.ctl = new AbortController());
    const search = this.scope.signal;
    if (this.gaveUp !== undefined) ctl.abort(this.gaveUp);
    else if (search.aborted) ctl.abort(search.reason);
    else this.unlink = whenAborted(search, (r) => ctl.abort(r));
    return ctl.signal;
  }
  /** The scheduler gave up on this call: abort the callee's signal (it may or may not listen). */
  giveUp(reason: unknown): void {
    this.gaveUp = reason;
    this.ctl?.abort(reason);
    this.settle();
  }
  /** The call is over: drop the link to the search signal (a long search must not collect listeners). */
  settle(): void {
    if (this.unlink === null) return;
    this.unlink();
    this.unlink = null;
  }
}

/** What every ScoreCall of one search shares (so a call is two pointers). */
export interface ScoreScope {
  readonly store: TreeStore;
  readonly problem: Problem;
  /** The search's key prefix: keys are it plus the node's creation order. */
  readonly keyOf: string;
}

/**
 * One step to score. `prefix` is built only if the PRM reads it (an incremental PRM uses parentKey);
 * keys are short (search prefix + creation order), built on read, never from the depth-long path tag.
 */
export class ScoreCall implements ScoreRequest {
  constructor(
    private readonly scope: ScoreScope,
    private readonly node: NodeRec,
  ) {}
  get problem(): Problem {
    return this.scope.problem;
  }
  get step(): string {
    return this.node.text;
  }
  get prefix(): string[] {
    return this.scope.store.steps(this.node.parent!);
  }
  get key(): string {
    return this.scope.keyOf + this.node.order;
  }
  get parentKey(): string | undefined {
    const p = this.node.parent!;
    return p.parent ? this.scope.keyOf + p.order : undefined;
  }
}

/** The key the PRM knows a node by in this search (what `release` is given). */
export const keyFor = (keyOf: string, n: NodeRec): string => keyOf + n.order;
