#!/usr/bin/env python3
"""PyTorch CPU side of benchmarks/hf-prm.ts, on the same checkpoint files.

  make DIR LAYERS   write a Qwen2.5-0.5B-shaped Qwen2ForProcessRewardModel (hidden 896, 14 heads / 2 KV heads,
                    FFN 4864, vocab 151936, LAYERS layers) with random BF16 weights (numpy only)
  bench DIR ITERS   read DIR/ids.json {past: [[id]], fresh: [[id]]}; prefill the past into a KV cache, then time
                    one frontier batch of the fresh tokens against it (best of ITERS after a warm-up), for torch's
                    default thread count and for 1 thread; print JSON {ms, ms1, scores} (P at each row's last token)
The forward is the transformers Qwen2 one written out (RMSNorm, rotate_half RoPE, GQA, SwiGLU, score.0/ReLU/score.2).
"""
import json
import math
import os
import sys
import time

import numpy as np

CFG = {"architectures": ["Qwen2ForProcessRewardModel"], "model_type": "qwen2", "hidden_size": 896, "num_attention_heads": 14,
       "num_key_value_heads": 2, "intermediate_size": 4864, "vocab_size": 151936, "rms_norm_eps": 1e-6, "rope_theta": 1000000.0,
       "tie_word_embeddings": True, "hidden_act": "silu", "max_position_embeddings": 4096, "use_sliding_window": False}


def make(d, layers):
    os.makedirs(d, exist_ok=True)
    c = dict(CFG, num_hidden_layers=layers)
    json.dump(c, open(os.path.join(d, "config.json"), "w"))
    H, F, V, D = c["hidden_size"], c["intermediate_size"], c["vocab_size"], H_D(c)
    q, kv = c["num_attention_heads"] * D, c["num_key_value_heads"] * D
    shapes = [("model.embed_tokens.weight", (V, H)), ("model.norm.weight", (H,))]
    for i in range(layers):
        p = f"model.layers.{i}."
        shapes += [(p + "self_attn.q_proj.weight", (q, H)), (p + "self_attn.q_proj.bias", (q,)), (p + "self_attn.k_proj.weight", (kv, H)),
                   (p + "self_attn.k_proj.bias", (kv,)), (p + "self_attn.v_proj.weight", (kv, H)), (p + "self_attn.v_proj.bias", (kv,)),
                   (p + "self_attn.o_proj.weight", (H, q)), (p + "mlp.gate_proj.weight", (F, H)), (p + "mlp.up_proj.weight", (F, H)),
                   (p + "mlp.down_proj.weight", (H, F)), (p + "input_layernorm.weight", (H,)), (p + "post_attention_layernorm.weight", (H,))]
    shapes += [("score.0.weight", (H, H)), ("score.0.bias", (H,)), ("score.2.weight", (2, H)), ("score.2.bias", (2,))]
    rng = np.random.default_rng(0)
    header, off = {}, 0
    for name, shape in shapes:
        n = int(np.prod(shape))
        header[name] = {"dtype": "BF16", "shape": list(shape), "data_offsets": [off, off + 2 * n]}
        off += 2 * n
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(os.path.join(d, "model.safetensors"), "wb") as f:
        f.write(len(h).to_bytes(8, "little") + h)
        for name, shape in shapes:
            if name.endswith("norm.weight"):
                x = (1 + 0.1 * rng.standard_normal(shape, dtype=np.float32)).astype(np.float32)
            else:
                x = rng.standard_normal(shape, dtype=np.float32) * np.float32(0.5 if "embed" in name else 1 / math.sqrt(shape[-1]))
            f.write((x.view(np.uint32) >> 16).astype(np.uint16).tobytes())  # truncation: the stored BF16 values are what both sides read


def H_D(c):
    return c.get("head_dim", c["hidden_size"] // c["num_attention_heads"])


def load(d):
    import torch
    c = json.load(open(os.path.join(d, "config.json")))
    raw = open(os.path.join(d, "model.safetensors"), "rb").read()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + n])
    W = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        a, b = t["data_offsets"]
        u = np.frombuffer(raw, dtype=np.uint16, count=(b - a) // 2, offset=8 + n + a)
        W[name] = torch.from_numpy((u.astype(np.uint32) << 16).view(np.float32).reshape(t["shape"]).copy())
    return c, W


def run(c, W, ids, cache, start):
    import torch
    H, D = c["hidden_size"], H_D(c)
    nh, nkv, eps = c["num_attention_heads"], c["num_key_value_heads"], c["rms_norm_eps"]
    B, T = ids.shape
    x = W["model.embed_tokens.weight"][ids]
    inv = 1.0 / (c["rope_theta"] ** (torch.arange(0, D, 2, dtype=torch.float64) / D))
    ang = torch.arange(start, start + T, dtype=torch.float64)[:, None] * inv[None, :]
    emb = torch.cat([ang, ang], -1)
    cos, sin = emb.cos().float(), emb.sin().float()
    rms = lambda v, w: w * (v * torch.rsqrt(v.pow(2).mean(-1, keepdim=True) + eps))
    rot = lambda v: torch.cat([-v[..., D // 2:], v[..., : D // 2]], -1)
    P = start
    mask = torch.zeros(T, P + T)
    mask[:, P:] = torch.triu(torch.full((T, T), float("-inf")), 1)
    new_cache = []
    for i in range(c["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms(x, W[p + "input_layernorm.weight"])
        lin = lambda n: torch.nn.functional.linear(h, W[p + f"self_attn.{n}_proj.weight"], W[p + f"self_attn.{n}_proj.bias"])
        q = lin("q").view(B, T, nh, D).transpose(1, 2)
        k = lin("k").view(B, T, nkv, D).transpose(1, 2)
        v = lin("v").view(B, T, nkv, D).transpose(1, 2)
        q, k = q * cos + rot(q) * sin, k * cos + rot(k) * sin
        if cache:
            k, v = torch.cat([cache[i][0], k], 2), torch.cat([cache[i][1], v], 2)
        new_cache.append((k, v))
        g = nh // nkv
        kk, vv = k.repeat_interleave(g, 1), v.repeat_interleave(g, 1)
        a = torch.softmax(q @ kk.transpose(-1, -2) / math.sqrt(D) + mask, -1)
        o = (a @ vv).transpose(1, 2).reshape(B, T, nh * D)
        x = x + torch.nn.functional.linear(o, W[p + "self_attn.o_proj.weight"])
        h = rms(x, W[p + "post_attention_layernorm.weight"])
        gate = torch.nn.functional.linear(h, W[p + "mlp.gate_proj.weight"])
        x = x + torch.nn.functional.linear(torch.nn.functional.silu(gate) * torch.nn.functional.linear(h, W[p + "mlp.up_proj.weight"]), W[p + "mlp.down_proj.weight"])
    last = rms(x[:, -1], W["model.norm.weight"])
    z = torch.nn.functional.linear(torch.relu(torch.nn.functional.linear(last, W["score.0.weight"], W["score.0.bias"])), W["score.2.weight"], W["score.2.bias"])
    return torch.softmax(z, -1)[:, 1], new_cache


def bench(d, iters):
    import torch
    c, W = load(d)
    ids = json.load(open(os.path.join(d, "ids.json")))
    past, fresh = torch.tensor(ids["past"]), torch.tensor(ids["fresh"])
    out = {}
    with torch.no_grad():
        _, cache = run(c, W, past, None, 0)
        for key, threads in (("ms", os.cpu_count() or 1), ("ms1", 1)):
            torch.set_num_threads(threads)
            times = []
            for i in range(iters + 1):
                t0 = time.perf_counter()
                scores, _ = run(c, W, fresh, cache, past.shape[1])
                if i:
                    times.append((time.perf_counter() - t0) * 1000)
            out[key] = min(times)
            out[key + "Threads"] = threads
    out["scores"] = scores.tolist()
    print(json.dumps(out))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], int(sys.argv[3]))
    else:
        bench(sys.argv[2], int(sys.argv[3]))
