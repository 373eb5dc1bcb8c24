import seedrandom from 'seedrandom';
import type { Aggregation, Candidate } from '../../core/aggregate.ts';
import type { BudgetMeter, StopReason } from '../../core/budget.ts';
import { PolicyError, PRMError, SearchFailedError } from '../../core/errors.ts';
import type { Problem } from '../../core/problem.ts';
import type { Policy, StepProposal } from '../../policy/types.ts';
import type { PRM } from '../../reward/types.ts';
import type { SearchEmitter } from '../events.ts';
import type { SearchResult } from '../result.ts';
import type { CallLimits } from '../calls.ts';
import type { Scheduler } from '../scheduler.ts';
import { usable, type Expansion, type ExpansionResult, type Strategy, type StrategyContext, type StrategySpec } from '../strategy.ts';
import { idOf, type NodeRec, type TreeStore } from '../tree.ts';
import { timerEpoch, timerTurn } from '../turn.ts';
import { buildResult } from './finish.ts';
import { addProposals, checkProposals } from './apply.ts';
import { Failure, Gather } from './gather.ts';
import { EndScan } from './walk.ts';
import { keyFor, ProposeCall, ScoreCall, type ProposeScope, type ScoreScope } from './requests.ts';

/** A planned wave, over the engine's own (mutable) node records. */
type Wave = readonly Expansion<NodeRec>[];

/** Everything a search needs, validated (see SearchOptions). */
export interface SearchConfig {
  readonly problem: Problem;
  readonly policy: Policy;
  readonly prm: PRM;
  readonly spec: StrategySpec;
  readonly store: TreeStore;
  readonly meter: BudgetMeter;
  /** Failures already in a resumed tree. */
  readonly failures: number;
  readonly seed: string;
  readonly aggregation: Aggregation;
  /** The selection's score of each candidate (selectionScores). */
  readonly select: (c: readonly Candidate[]) => readonly number[];
  readonly selection: string;
  readonly scheduler: Scheduler;
  readonly signal?: AbortSignal;
  readonly timeouts: { readonly policyMs: number; readonly prmMs: number };
}

/**
 * Most ms of work between two turns of the event loop: with in-process models a search never waits,
 * so it yields (about 1 ms) this often to let timers and abort events in. Costs ≤ 5 % of such a search.
 */
const SLICE_MS = 20;
let searchSerial = 0;
/** A wave's policy calls, in send order, and their outcomes. */
type Sent = Gather<ProposeCall>;

/** One search: waves of plan → propose → apply → score → observe, then finish. */
export class Search {
  private readonly store: TreeStore;
  private readonly ctx: StrategyContext;
  private readonly strategy: Strategy;
  private readonly meter: BudgetMeter;
  private readonly keyOf = `s${++searchSerial}:`;
  private readonly ctl = new AbortController();
  /** What the wave is waiting on, woken when the search stops. */
  private waiting: Gather | null = null;
  private readonly messages: string[] = [];
  private failures: number;
  private stop: StopReason | null = null;
  /** A budget axis reached inside a wave: the wave is applied, then the search stops. */
  private pending: StopReason | null = null;
  /** The last PRM batch sent (release waits for it). */
  private scoring: Gather | null = null;
  private lastTurn = 0;
  /** timerEpoch() at the last turn: a later one means timers ran while the search waited on its models. */
  private epoch = 0;
  private readonly scope: ScoreScope;
  private readonly proposeScope: ProposeScope;
  /** Every policy call's limits (each call is its own onGiveUp). */
  private readonly limits: CallLimits;
  /** Every PRM batch's limits. */
  private readonly scoreLimits: CallLimits;
  private readonly ends: EndScan;

  constructor(
    private readonly c: SearchConfig,
    private readonly em: SearchEmitter,
  ) {
    this.store = c.store;
    this.meter = c.meter;
    this.failures = c.failures;
    this.ctx = { tree: c.store, aggregation: c.aggregation, rng: seedrandom(`${c.seed}/strategy`), events: em };
    this.strategy = c.spec.create();
    this.scope = { store: c.store, problem: c.problem, keyOf: this.keyOf };
    this.proposeScope = { store: c.store, problem: c.problem, seed: c.seed, signal: this.ctl.signal };
    this.limits = { timeoutMs: c.timeouts.policyMs, signal: this.ctl.signal };
    this.scoreLimits = { timeoutMs: c.timeouts.prmMs, signal: this.ctl.signal };
    const cap = c.spec.config.maxDepth;
    this.ends = new EndScan(c.store, typeof cap === 'number' ? cap : Infinity);
  }

  private halt(r: StopReason): void {
    this.stop ??= r;
    this.ctl.abort(r);
    this.waiting?.stop();
  }

  /**
   * Waits for every call of `g`: false as soon as the search stops (no long-lived promise collects
   * a reaction per wave). Callers check `stop` after it too: a stop aborts the calls, which may
   * settle the gather before it is woken.
   */
  private until(g: Gather): boolean | Promise<boolean> {
    if (this.stop) return false;
    this.waiting = g;
    return g.wait();
  }

  async run(): Promise<SearchResult> {
    const t0 = performance.now();
    const { scheduler, signal } = this.c;
    const onAbort = () => this.halt('aborted');
    if (signal?.aborted) this.halt('aborted');
    signal?.addEventListener('abort', onAbort, { once: true });
    // the timer interrupts a wave waiting on slow models; the clock check between waves covers fast ones
    const ms = this.meter.msLeft();
    const timer = ms < Infinity ? setTimeout(() => this.halt('wallMs'), ms) : null;
    scheduler.enter();
    this.lastTurn = performance.now();
    this.epoch = timerEpoch();
    let ended = false;
    try {
      for (;;) {
        const next = await this.wave();
        if (next === 'go') continue;
        ended = next === 'ended';
        break;
      }
    } finally {
      scheduler.leave();
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      this.release();
    }
    // ended: the strategy's own reason, or the tree's (read in the result's walk)
    return this.finish(this.stop ?? (ended ? null : 'complete'), performance.now() - t0);
  }

  /** One wave. 'go': plan again; 'ended': the strategy has nothing more; 'stopped': a budget or abort. */
  private async wave(): Promise<'go' | 'ended' | 'stopped'> {
    if (performance.now() - this.lastTurn >= SLICE_MS) {
      // a search that waited on slow models has let timers run already; only one that never waited yields
      if (timerEpoch() === this.epoch) await timerTurn();
      this.lastTurn = performance.now();
      this.epoch = timerEpoch();
    }
    if (this.stop) return 'stopped';
    const spent = this.meter.spent(this.store.size);
    if (spent) return (this.halt(spent), 'stopped');
    const plan = this.strategy.plan(this.ctx) as Wave | null; // the engine's own nodes
    if (plan === null) return 'ended';
    if (plan.length === 0) return 'go'; // the strategy handed back: the slice check above yields when due
    const wave = this.trim(plan);
    if (!wave) return (this.halt('policyCalls'), 'stopped');
    if (this.em.listenerCount('select')) this.em.emit('select', { nodeIds: wave.map((e) => idOf(e.node)) });
    const sent = this.send(wave);
    const got = this.until(sent);
    if (!(got === true || (got !== false && (await got))) || this.stop) return (this.undo(sent), 'stopped');
    const fresh = this.apply(wave, sent);
    await this.score(fresh);
    if (this.stop) return 'stopped';
    const trimmed = wave.length < plan.length;
    this.observe(wave, sent, fresh, trimmed);
    if (this.pending) return (this.halt(this.pending), 'stopped');
    return 'go';
  }

  /** Keeps the expansions that fit the policy-call budget, in plan order (reused ones are free). */
  private trim(plan: Wave): Wave | null {
    let left = this.meter.policyCallsLeft();
    if (left === Infinity) return plan;
    const kept = plan.filter((e) => !needsCall(e.node, e.total) || left-- > 0);
    if (kept.length < plan.length) this.pending = 'policyCalls';
    return kept.length ? kept : null;
  }

  private send(wave: Wave): Sent {
    const sent: Sent = new Gather(wave.length, true);
    const { scheduler, policy } = this.c;
    for (let i = 0; i < wave.length; i++) {
      const e = wave[i]!;
      const n = e.node;
      if (n.failed !== null || !needsCall(n, e.total)) continue;
      const call = new ProposeCall(this.proposeScope, n, e.total - n.requested, n.requested, i);
      n.requested = e.total;
      this.meter.used.policyCalls++;
      scheduler.proposeTo(policy, call, this.limits, sent, sent.add(call), call);
    }
    return sent;
  }

  /** The results of an interrupted wave are dropped whole, so the tree stays consistent. */
  private undo(sent: Sent): void {
    for (let j = 0; j < sent.size; j++) sent.calls[j]!.node.requested = sent.calls[j]!.requested;
    this.meter.used.policyCalls -= sent.size;
  }

  private fail(n: NodeRec, err: Error): void {
    n.failed = err.message;
    this.failures++;
    if (this.messages.length < 100) this.messages.push(err.message);
    this.em.emit('fail', { nodeId: idOf(n), error: err.message });
  }

  /** Applies proposals in plan order, whatever order they arrived in: node ids and order stay deterministic. */
  private apply(wave: Wave, sent: Sent): NodeRec[] {
    const fresh: NodeRec[] = [];
    for (let j = 0; j < sent.size; j++) {
      const { at, node } = sent.calls[j]!;
      let value = sent.values[j];
      if (value instanceof Failure) {
        value = value.error;
        // a policy that already says which node failed is not wrapped twice
        this.fail(node, value instanceof PolicyError && value.nodeId === idOf(node) ? value : new PolicyError(idOf(node), value));
        continue;
      }
      const checked = checkProposals(value);
      if (typeof checked === 'string') {
        this.fail(node, new PolicyError(idOf(node), checked));
        continue;
      }
      // a trimmed wave ('policyCalls') still keeps what its calls brought; tokens or nodes running out drops the rest
      if (this.pending !== 'tokens' && this.pending !== 'nodes')
        this.pending = addProposals(this.store, this.meter, node, checked, wave[at]!.rollout ?? false, fresh) ?? this.pending;
    }
    return fresh;
  }

  /** Scores every new child in one request; the scheduler merges it with other searches' work. */
  private async score(fresh: NodeRec[]): Promise<void> {
    let toScore = fresh;
    const left = this.meter.prmCallsLeft();
    if (fresh.length > left) {
      toScore = fresh.slice(0, left);
      this.pending ??= 'prmCalls';
    }
    if (!toScore.length) return;
    this.meter.used.prmCalls += toScore.length;
    const { prm, scheduler } = this.c;
    const reqs = toScore.map((n) => new ScoreCall(this.scope, n));
    const batch = new Gather(1, false);
    this.scoring = batch;
    scheduler.scoreTo(prm, reqs, this.scoreLimits, batch, batch.expect());
    const got = this.until(batch);
    if (!(got === true || (got !== false && (await got))) || this.stop) return;
    let scores: unknown[] | null = null;
    const out = batch.values[0];
    if (!(out instanceof Failure)) scores = out as unknown[];
    else {
      const err = new PRMError(toScore.map(idOf), out.error);
      for (const n of toScore) this.fail(n, err);
    }
    if (!scores || this.stop) return;
    const agg = this.c.aggregation;
    const listen = this.em.listenerCount('score') > 0;
    const ids: string[] | null = listen ? [] : null;
    const vals: number[] | null = listen ? [] : null;
    for (let i = 0; i < toScore.length; i++) {
      const n = toScore[i]!;
      const s = scores[i];
      if (!(typeof s === 'number' && s >= 0 && s <= 1)) {
        this.fail(n, new PRMError([idOf(n)], `score ${s} is not a probability in [0, 1]`));
        continue;
      }
      n.score = s;
      n.value = agg.extend ? agg.extend(n.parent!.value ?? 0, n.depth, s) : agg.of(this.store.scores(n));
      this.ends.scored(n);
      if (ids) (ids.push(idOf(n)), vals!.push(s));
    }
    if (ids) this.em.emit('score', { nodeIds: ids, scores: vals! });
    if (this.em.listenerCount('terminal'))
      for (const n of toScore) if (n.terminal && usable(n)) this.em.emit('terminal', { nodeId: idOf(n), answer: n.answer, value: n.value });
  }

  /** Hands the strategy the whole wave it planned; a trimmed wave ends the search unobserved. */
  private observe(wave: Wave, sent: Sent, fresh: NodeRec[], trimmed: boolean): void {
    const expand = this.em.listenerCount('expand') > 0;
    if (trimmed && !expand) return;
    const isNew = expand ? new Set(fresh) : null;
    const called = expand ? new Set(sent.calls.slice(0, sent.size).map((c) => c.at)) : null;
    const results: ExpansionResult[] = wave.map((e, i) => {
      const children = e.node.children.filter(usable);
      if (isNew)
        this.em.emit('expand', {
          nodeId: idOf(e.node),
          childIds: children.map(idOf),
          newIds: children.filter((c) => isNew.has(c)).map(idOf),
          reused: !called!.has(i),
        });
      return { node: e.node, children, failed: e.node.failed !== null };
    });
    if (!trimmed) this.strategy.observe(this.ctx, results);
  }

  /** The PRM may drop its per-node state; a batch still running is let finish first. */
  private release(): void {
    const prm = this.c.prm;
    if (!prm.release) return;
    const release = () => prm.release?.(this.store.nodes.map((n) => keyFor(this.keyOf, n)));
    if (this.scoring) this.scoring.whenDone(release);
    else release();
  }

  private finish(stop: StopReason | null, wallMs: number): SearchResult {
    if (this.failures > 0 && !this.store.nodes.some(usable)) {
      const err = new SearchFailedError('no step could be generated and scored', this.messages);
      this.em.emit('error', { error: err });
      throw err;
    }
    const { policyCalls, tokens, prmCalls } = this.meter.used;
    const result = buildResult({
      store: this.store,
      scan: this.ends.scan(),
      ctx: this.ctx,
      strategy: this.strategy,
      spec: this.c.spec,
      select: this.c.select,
      stop,
      stats: { policyCalls, tokens, prmCalls, failures: this.failures, wallMs },
      ...(this.c.prm.info ? { prmInfo: this.c.prm.info() } : {}),
      seed: this.c.seed,
      aggregation: this.c.aggregation.name,
      selection: this.c.selection,
    });
    this.em.emit('done', { result });
    return result;
  }
}

const needsCall = (n: NodeRec, k: number) => n.requested < k && !n.terminal;
