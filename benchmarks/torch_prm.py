#!/usr/bin/env python3
"""PyTorch twin of src/reward/tfjs/model.ts, for benchmarks/prm.ts.

The same architecture, op for op: byte tokens (BOS=1, byte+4, PAD=0, padded to a multiple of 8), JS-side-like
embedding lookup, patches of P embeddings -> linear, learned positions, pre-LN transformer layers (separate
Q/K/V, key-padding bias -1e9), final LayerNorm, masked mean over patches, conditioning
tanh(W[s; p; s*p] + b), GRU cell (n = tanh(xn + r * (U_n h + b_un)), h' = (1 - z) n + z h), sigmoid(linear(h)).
Weights are loaded from the JSON that prm.ts exports from the tfjs net, so scores can be checked against tfjs.

Usage: /usr/bin/python3 benchmarks/torch_prm.py INPUT.json, then JSON lines on stdin (see main()).
INPUT.json (written by prm.ts): {config, params: {name: {shape, data}}, problem, rawSteps, rawParents,
trajectories, trajectoryScores, searches: [{name, problem, batches: [[{prefix, step}]], scores: [[tfjs score]]}],
batchSizes, trajectoryCounts}.

"""
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

PAD_ID, BOS_ID, BYTE_OFFSET = 0, 1, 4


class Net:
    def __init__(self, config, params):
        self.c = config
        self.p = {k: torch.tensor(v["data"], dtype=torch.float32).reshape(v["shape"]) for k, v in params.items()}

    def tokenize(self, texts, max_tokens):
        seqs = []
        for t in texts:
            b = t.strip().encode("utf-8")[: max(0, max_tokens - 1)]
            seqs.append([BOS_ID] + [x + BYTE_OFFSET for x in b])
        longest = max([1] + [len(s) for s in seqs])
        L = -(-min(max_tokens, longest) // 8) * 8
        ids = torch.zeros((len(seqs), L), dtype=torch.long)
        lengths = []
        for i, s in enumerate(seqs):
            n = min(len(s), L)
            ids[i, :n] = torch.tensor(s[:n], dtype=torch.long)
            lengths.append(n)
        return ids, lengths

    def ln(self, x, name):
        return F.layer_norm(x, (x.shape[-1],), self.p[name + ".g"], self.p[name + ".b"], 1e-5)

    def dense(self, x, w, b):
        return torch.addmm(self.p[b], x, self.p[w])

    def encode(self, ids, lengths):
        c, p = self.c, self.p
        P, d, nh = c["patch"], c["dModel"], c["heads"]
        B, Lt = ids.shape
        L, dh = Lt // P, d // nh
        plen = torch.tensor([-(-n // P) for n in lengths])
        mask = (torch.arange(L)[None, :] < plen[:, None]).float()  # [B, L]
        x = F.embedding(ids, p["embed"])  # [B, Lt, d]
        if P > 1:
            x = self.dense(x.reshape(B * L, P * d), "patch.w", "patch.b").reshape(B, L, d)
        x = x + p["pos"][:L]
        key_bias = ((mask - 1) * 1e9).reshape(B, 1, 1, L)
        for l in range(c["layers"]):
            h = self.ln(x, f"l{l}.ln1").reshape(B * L, d)
            heads = lambda t: t.reshape(B, L, nh, dh).transpose(1, 2)
            q = heads(self.dense(h, f"l{l}.wq", f"l{l}.bq"))
            k = heads(self.dense(h, f"l{l}.wk", f"l{l}.bk"))
            v = heads(self.dense(h, f"l{l}.wv", f"l{l}.bv"))
            att = torch.softmax(torch.matmul(q, k.transpose(-1, -2)) * (1 / dh ** 0.5) + key_bias, -1)
            o = torch.matmul(att, v).transpose(1, 2).reshape(B * L, d)
            x = x + self.dense(o, f"l{l}.wo", f"l{l}.bo").reshape(B, L, d)
            f = self.ln(x, f"l{l}.ln2").reshape(B * L, d)
            f2 = self.dense(torch.relu(self.dense(f, f"l{l}.f1.w", f"l{l}.f1.b")), f"l{l}.f2.w", f"l{l}.f2.b")
            x = x + f2.reshape(B, L, d)
        x = self.ln(x, "lnf")
        summed = (x * mask[:, :, None]).sum(1)
        return summed / plen.clamp(min=1).float()[:, None]

    def encode_texts(self, texts, max_tokens):
        return self.encode(*self.tokenize(texts, max_tokens))

    def initial_state(self, pv):
        return torch.tanh(self.dense(pv, "h0.w", "h0.b"))

    def step(self, s, pv, h):
        H = self.c["hidden"]
        u = torch.tanh(self.dense(torch.cat([s, pv, s * pv], 1), "cond.w", "cond.b"))
        gx = self.dense(u, "gru.w", "gru.b")
        gh = self.dense(h, "gru.u", "gru.ub")
        z = torch.sigmoid(gx[:, :H] + gh[:, :H])
        r = torch.sigmoid(gx[:, H:2 * H] + gh[:, H:2 * H])
        n = torch.tanh(gx[:, 2 * H:] + r * gh[:, 2 * H:])
        h_new = (1 - z) * n + z * h
        return h_new, self.dense(h_new, "out.w", "out.b")

    # --- the two scoring modes -------------------------------------------------------------------------------
    def score_children(self, steps, pv, h):
        """Incremental: encode only the new steps, one GRU step from the parents' states."""
        s = self.encode_texts(steps, self.c["maxStepTokens"])
        h_new, logit = self.step(s, pv, h)
        return h_new, torch.sigmoid(logit[:, 0])

    def score_full(self, problems, chains):
        """Full re-scoring, as search-and-learn / OpenR do: each chain (prefix + new step) is scored from scratch,
        its problem re-encoded too; returns the last step's score per chain. Only real steps are encoded."""
        N, T, d = len(chains), max(len(ch) for ch in chains), self.c["dModel"]
        pv = self.encode_texts(problems, self.c["maxProblemTokens"])
        flat = [s for ch in chains for s in ch]
        sv = self.encode_texts(flat, self.c["maxStepTokens"])
        seq = torch.zeros((N, T, d))
        rows = torch.tensor([n for n, ch in enumerate(chains) for _ in ch])
        cols = torch.tensor([t for ch in chains for t in range(len(ch))])
        seq[rows, cols] = sv
        h = self.initial_state(pv)
        last = torch.empty(N)
        ends = torch.tensor([len(ch) - 1 for ch in chains])
        for t in range(T):
            h, logit = self.step(seq[:, t], pv, h)
            sel = ends == t
            if sel.any():
                last[sel] = torch.sigmoid(logit[sel, 0])
        return last

    def score_trajectories(self, problems, trajs):
        """Full trajectories: every step's score (the training / reference path)."""
        N, T = len(trajs), len(trajs[0])
        pv = self.encode_texts(problems, self.c["maxProblemTokens"])
        sv = self.encode_texts([s for tr in trajs for s in tr], self.c["maxStepTokens"]).reshape(N, T, -1)
        h = self.initial_state(pv)
        out = []
        for t in range(T):
            h, logit = self.step(sv[:, t], pv, h)
            out.append(logit)
        return torch.sigmoid(torch.cat(out, 1))


def sample(fn, min_s):
    """Seconds per call: fn repeated until min_s has passed (at least once)."""
    n, t0 = 0, time.perf_counter()
    while True:
        fn()
        n += 1
        el = time.perf_counter() - t0
        if el >= min_s:
            return el / n


def main():
    """Server: one JSON command per stdin line, one JSON reply per stdout line. prm.ts interleaves these samples
    with its own, so machine load (this host is shared) hits both sides of every ratio alike."""
    inp = json.load(open(sys.argv[1]))
    net = Net(inp["config"], inp["params"])
    c = net.c
    problem = inp["problem"]
    torch.set_num_threads(1)
    with torch.inference_mode():
        pv1 = net.encode_texts([problem], c["maxProblemTokens"])

        def inc(B):
            steps = inp["rawSteps"][:B]
            pv = pv1.expand(B, -1).contiguous()
            h = torch.tensor(inp["rawParents"][: B * c["hidden"]]).reshape(B, c["hidden"])
            return lambda: net.score_children(steps, pv, h)[1].tolist()

        def full(N):
            trajs = inp["trajectories"][:N]
            return lambda: net.score_trajectories([problem] * N, trajs).tolist()

        def e2e(i):
            srch = inp["searches"][i]

            def run():
                for batch in srch["batches"]:
                    for j in range(0, len(batch), 512):
                        ch = batch[j:j + 512]
                        net.score_full([srch["problem"]] * len(ch), [r["prefix"] + [r["step"]] for r in ch]).tolist()
            return run

        for line in sys.stdin:
            cmd = json.loads(line)
            op = cmd["op"]
            if op == "quit":
                break
            if op == "info":
                # correctness against tfjs: the searches' requests re-scored in full vs tfjs incremental scores
                max_diff = 0.0
                for srch in inp["searches"]:
                    for batch, ref in zip(srch["batches"], srch["scores"]):
                        got = net.score_full([srch["problem"]] * len(batch), [r["prefix"] + [r["step"]] for r in batch])
                        max_diff = max(max_diff, float((got - torch.tensor(ref)).abs().max()))
                got = net.score_trajectories([problem], [inp["trajectories"][0]])[0]
                max_diff = max(max_diff, float((got - torch.tensor(inp["trajectoryScores"])).abs().max()))
                reply = {"torch": torch.__version__, "python": sys.version.split()[0], "maxDiffVsTfjs": max_diff,
                         "env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS")},
                         "parallel": torch.__config__.parallel_info().splitlines()[:4]}
            else:
                fn = inc(cmd["batch"]) if op == "inc" else full(cmd["n"]) if op == "full" else e2e(cmd["search"])
                torch.set_num_threads(cmd["threads"])
                sec = sample(fn, cmd.get("minMs", 100) / 1e3)
                torch.set_num_threads(1)  # idle between samples with one thread: no pool spinning against tfjs
                reply = {"ms": sec * 1e3}
            sys.stdout.write(json.dumps(reply) + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
