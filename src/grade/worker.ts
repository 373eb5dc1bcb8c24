// The symbolic stage's worker thread: one compute-engine, pairs in, verdicts out. The pool terminates
// it on a time limit; resourceLimits cap its heap, so a runaway bignum kills this thread only.
import { parentPort } from 'node:worker_threads';
import { ComputeEngine } from '@cortex-js/compute-engine';
import type { LeafPair } from './structure.ts';
import { compareSymbolic, type SymbolicResult } from './symbolic.ts';

export interface WorkerRequest {
  readonly id: number;
  readonly pairs: readonly LeafPair[];
  readonly tolerance: number;
}
export type WorkerReply =
  { readonly id: number; readonly results: SymbolicResult[] } | { readonly id: number; readonly error: string } | { readonly ready: true };

const ce = new ComputeEngine();
ce.tolerance = 0;
const port = parentPort!;
port.on('message', (req: WorkerRequest) => {
  try {
    const results = req.pairs.map(([a, b, mode]) => compareSymbolic(ce, a, b, mode, req.tolerance));
    port.postMessage({ id: req.id, results } satisfies WorkerReply);
  } catch (e) {
    port.postMessage({ id: req.id, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) } satisfies WorkerReply);
  }
});
port.postMessage({ ready: true } satisfies WorkerReply);
