/**
 * The "arith chain" work (../shared/bench/arith-chain.mjs, imported by path at run time): the same
 * problems and candidate tables llm-reasoners was timed on. Zero-cost models: the policy returns the
 * K table candidates (StepProposal objects made on first use, in warm-up, and kept), the PRM returns the flag "every value
 * so far is right". The flag rides in the step text (a trailing "!" once a value went wrong), so the
 * PRM reads one character and neither model keeps per-node state.
 */
import type { Policy, ProposeRequest, StepProposal } from '../src/policy/types.ts';
import type { PRM, ScoreRequest } from '../src/reward/types.ts';

type ChainProblem = { L: number; s0: number; truth: number[] };
export interface ChainLib {
  makeProblem(L: number): ChainProblem;
  makeTable(p: ChainProblem, K: number): number[][][];
}

export const GENERATOR = new URL('../../shared/bench/arith-chain.mjs', import.meta.url);

export async function loadGenerator(): Promise<ChainLib | null> {
  try {
    return (await import(GENERATOR.href)) as ChainLib;
  } catch {
    return null;
  }
}

/** Models for one (L, K) problem; tables are built here, before any timing. */
export function chainModels(lib: ChainLib, L: number, K: number): { policy: Policy; prm: PRM; problem: { id: string; text: string } } {
  const p = lib.makeProblem(L);
  const table = lib.makeTable(p, K);
  // props[k][prev][wrongSoFar]: the K proposals after value `prev` at step k, made on first use and
  // kept (the same objects from then on). Made up front they were 256k objects, 25 MB that every
  // full GC of a timed search marked (benchmarks/README.md, round 8); a search reaches a few.
  const props: (StepProposal[] | undefined)[][][] = table.map((row) => row.map(() => [undefined, undefined]));
  const make = (k: number, prev: number, wrong: boolean): StepProposal[] =>
    table[k]![prev]!.map((v) => {
      const bad = wrong || v !== p.truth[k];
      const terminal = k === L - 1;
      return { text: bad ? `${v}!` : String(v), tokens: 1, terminal, ...(terminal ? { answer: String(v) } : {}) };
    });
  const policy: Policy = {
    name: 'arith-chain',
    propose: async (r: ProposeRequest) => {
      const steps = r.steps;
      const k = steps.length;
      if (k >= L) return [];
      const last = k ? steps[k - 1]! : null;
      const prev = last === null ? p.s0 : parseInt(last, 10);
      const wrong = last !== null && last.endsWith('!');
      const at = props[k]![prev]!;
      return (at[wrong ? 1 : 0] ??= make(k, prev, wrong));
    },
  };
  const prm: PRM = { name: 'arith-chain-flag', score: async (reqs: readonly ScoreRequest[]) => reqs.map((r) => (r.step.endsWith('!') ? 0 : 1)) };
  return { policy, prm, problem: { id: `arith-chain-L${L}-K${K}`, text: `s0=${p.s0}` } };
}
