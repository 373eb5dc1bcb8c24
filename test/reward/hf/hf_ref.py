#!/usr/bin/env python3
"""Tiny HF-style PRM checkpoints and an independent float64 numpy reference of their step scores.

Usage: /usr/bin/python3 hf_ref.py OUTDIR  -> writes OUTDIR/<name>/ checkpoints and OUTDIR/reference.json.
Written from the transformers definitions (LlamaRMSNorm, rotate_half RoPE, _compute_llama3_parameters, repeat_kv
GQA, SwiGLU MLP), not from the TypeScript port: a full causal forward over the whole text, no cache, float64.
Tokenizers are byte-level BPE with no merges, so token ids are the UTF-8 bytes with added tokens split out first.
"""
import json
import math
import os
import sys

import numpy as np

SPECIAL = {}


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


def tokenizer_json(added, bos=None):
    b2u = bytes_to_unicode()
    vocab = {b2u[b]: b for b in range(256)}
    tok = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": sp} for t, (i, sp) in added.items()],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                  "vocab": vocab, "merges": []},
    }
    if bos is not None:
        tok["post_processor"] = {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {bos: {"id": bos, "ids": [added[bos][0]], "tokens": [bos]}},
        }
    return tok


def encode(text, added, bos_id=None):
    ids = [] if bos_id is None else [bos_id]
    names = sorted(added, key=len, reverse=True)
    i = 0
    buf = ""
    while i < len(text):
        hit = next((t for t in names if text.startswith(t, i)), None)
        if hit:
            ids += list(buf.encode("utf-8"))
            buf = ""
            ids.append(added[hit][0])
            i += len(hit)
        else:
            buf += text[i]
            i += 1
    return ids + list(buf.encode("utf-8"))


# ---- weights and safetensors -------------------------------------------------------------------------------

def to_bf16(x):
    b = np.asarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    r = ((b + 0x7FFF + ((b >> 16) & 1)) >> 16).astype(np.uint16)  # round to nearest even
    return r, (r.astype(np.uint32) << 16).view(np.float32).astype(np.float64)


def stored(x, dtype):
    """(raw bytes, the float64 values the file really holds)."""
    if dtype == "F32":
        a = np.asarray(x, dtype=np.float32)
        return a.tobytes(), a.astype(np.float64)
    if dtype == "F16":
        a = np.asarray(x, dtype=np.float16)
        return a.tobytes(), a.astype(np.float64)
    raw, vals = to_bf16(x)
    return raw.tobytes(), vals


def write_safetensors(path, tensors):
    header, blobs, off = {}, [], 0
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(len(h).to_bytes(8, "little") + h + b"".join(blobs))


def make_weights(rng, c, head, dtype, vocab):
    H, D, nh, nkv, F = c["hidden_size"], c["head_dim"], c["num_attention_heads"], c["num_key_value_heads"], c["intermediate_size"]
    shapes = {"model.embed_tokens.weight": (vocab, H), "model.norm.weight": (H,)}
    for i in range(c["num_hidden_layers"]):
        p = f"model.layers.{i}."
        shapes.update({p + "self_attn.q_proj.weight": (nh * D, H), p + "self_attn.k_proj.weight": (nkv * D, H),
                       p + "self_attn.v_proj.weight": (nkv * D, H), p + "self_attn.o_proj.weight": (H, nh * D),
                       p + "mlp.gate_proj.weight": (F, H), p + "mlp.up_proj.weight": (F, H), p + "mlp.down_proj.weight": (H, F),
                       p + "input_layernorm.weight": (H,), p + "post_attention_layernorm.weight": (H,)})
        if c["model_type"] == "qwen2":
            shapes.update({p + "self_attn.q_proj.bias": (nh * D,), p + "self_attn.k_proj.bias": (nkv * D,), p + "self_attn.v_proj.bias": (nkv * D,)})
    shapes.update(head)
    raw, vals = {}, {}
    for name, shape in shapes.items():
        if name.endswith("norm.weight"):
            x = 1 + 0.2 * rng.standard_normal(shape)
        else:
            x = rng.standard_normal(shape) * (0.5 if "embed" in name else 1 / math.sqrt(shape[-1]))
        r, v = stored(x, dtype)
        raw[name] = (dtype, shape, r)
        vals[name] = v
    return raw, vals


# ---- float64 reference forward ------------------------------------------------------------------------------

def inv_freq(c):
    D = c["head_dim"]
    f = 1.0 / (c["rope_theta"] ** (np.arange(0, D, 2, dtype=np.float64) / D))
    s = c.get("rope_scaling")
    if s and s.get("rope_type") == "llama3":
        factor, lo, hi, old = s["factor"], s["low_freq_factor"], s["high_freq_factor"], s["original_max_position_embeddings"]
        wavelen = 2 * math.pi / f
        scaled = np.where(wavelen > old / lo, f / factor, f)
        smooth = (old / wavelen - lo) / (hi - lo)
        smoothed = (1 - smooth) * scaled / factor + smooth * scaled
        medium = ~(wavelen < old / hi) & ~(wavelen > old / lo)
        f = np.where(medium, smoothed, scaled)
    return f


def rms(x, w, eps):
    return w * (x / np.sqrt((x * x).mean(-1, keepdims=True) + eps))


def rotate_half(x):
    h = x.shape[-1] // 2
    return np.concatenate([-x[..., h:], x[..., :h]], -1)


def window_layers(c):
    """Per layer: the sliding window span, or None (transformers: MistralConfig / Qwen2Config semantics)."""
    n = c["num_hidden_layers"]
    if c["model_type"] == "mistral":
        w = c.get("sliding_window", 4096)
        return [w] * n
    if c["model_type"] == "qwen2" and c.get("use_sliding_window"):
        w = c.get("sliding_window", 4096)
        return [w if w is not None and i >= c.get("max_window_layers", 28) else None for i in range(n)]
    return [None] * n


def hidden_states(c, W, ids, windows=None):
    T, H, D = len(ids), c["hidden_size"], c["head_dim"]
    nh, nkv = c["num_attention_heads"], c["num_key_value_heads"]
    x = W["model.embed_tokens.weight"][ids]
    ang = np.arange(T, dtype=np.float64)[:, None] * inv_freq(c)[None, :]
    emb = np.concatenate([ang, ang], -1)
    cos, sin = np.cos(emb)[None], np.sin(emb)[None]
    causal = np.triu(np.full((T, T), -np.inf), 1)
    windows = window_layers(c) if windows is None else windows
    q_pos, k_pos = np.arange(T)[:, None], np.arange(T)[None, :]
    eps = c["rms_norm_eps"]
    for i in range(c["num_hidden_layers"]):
        win = windows[i]
        mask = causal if win is None else np.where(k_pos > q_pos - win, causal, -np.inf)
        p = f"model.layers.{i}."
        h = rms(x, W[p + "input_layernorm.weight"], eps)
        def lin(n):
            y = h @ W[p + f"self_attn.{n}_proj.weight"].T
            b = W.get(p + f"self_attn.{n}_proj.bias")
            return y if b is None else y + b
        q = lin("q").reshape(T, nh, D).transpose(1, 0, 2)
        k = lin("k").reshape(T, nkv, D).transpose(1, 0, 2)
        v = lin("v").reshape(T, nkv, D).transpose(1, 0, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        rep = nh // nkv
        k, v = np.repeat(k, rep, axis=0), np.repeat(v, rep, axis=0)  # repeat_kv: head h reads kv head h // rep
        a = q @ k.transpose(0, 2, 1) / math.sqrt(D) + mask
        a = np.exp(a - a.max(-1, keepdims=True))
        a /= a.sum(-1, keepdims=True)
        o = (a @ v).transpose(1, 0, 2).reshape(T, nh * D)
        x = x + o @ W[p + "self_attn.o_proj.weight"].T
        h = rms(x, W[p + "post_attention_layernorm.weight"], eps)
        g = h @ W[p + "mlp.gate_proj.weight"].T
        u = h @ W[p + "mlp.up_proj.weight"].T
        x = x + ((g / (1 + np.exp(-g))) * u) @ W[p + "mlp.down_proj.weight"].T
    return rms(x, W["model.norm.weight"], eps)


def softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def head_scores(kind, W, h, labels):
    if kind == "lm-labels":
        lm = W.get("lm_head.weight", W["model.embed_tokens.weight"])
        p = softmax(h @ lm.T)  # the full vocabulary, then P(good) / (P(good) + P(bad))
        return p[:, labels[0]] / (p[:, labels[0]] + p[:, labels[1]])
    if kind == "token-class":
        return softmax(h @ W["score.weight"].T + W["score.bias"])[:, 1]
    z = h @ W["v_head.summary.weight"].T + W["v_head.summary.bias"]
    return 1 / (1 + np.exp(-z[:, 0]))


# ---- step formats (written from the model cards) -------------------------------------------------------------

QWEN_SYS = "Please reason step by step, and put your final answer within \\boxed{}."
CHATML = ("{%- for message in messages %}{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
          "{%- endfor %}{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}")


def text_through(fmt, problem, steps):
    if fmt == "qwen2.5-math-prm":
        return f"<|im_start|>system\n{QWEN_SYS}<|im_end|>\n<|im_start|>user\n{problem}<|im_end|>\n<|im_start|>assistant\n" + "".join(s + "<extra_0>" for s in steps)
    if fmt == "math-shepherd":
        return problem + " " + "\n".join(f"Step {i + 1}: {s} ки" for i, s in enumerate(steps))
    if fmt == "rlhflow":
        turn = lambda r: f"<|start_header_id|>{r}<|end_header_id|>\n\n"
        out = "<|begin_of_text|>" + turn("user") + problem + " "
        return out + ("+<|eot_id|>" + turn("user")).join(s + "<|eot_id|>" + turn("assistant") for s in steps)
    if fmt == "plain":
        return problem + "\n\n" + "\n\n".join(steps)
    raise ValueError(fmt)


PATHS = [
    ("q1", "A shop sells 3 pens for $4. How much do 12 pens cost?", ["12 pens are 4 groups of 3.", "Each group costs $4, so 4 × 4 = 16.", "The answer is \\boxed{16}."]),
    ("q1b", "A shop sells 3 pens for $4. How much do 12 pens cost?", ["12 pens are 4 groups of 3.", "So it costs 12 × 4 = 48 dollars."]),
    ("q2", "Find x if 2x + 3 = 11.", ["Subtract 3: 2x = 8.", "Divide by 2: x = 4, since 4² = 16 is not needed.\nCheck: 2·4 + 3 = 11."]),
]

BASE = {"hidden_size": 64, "num_hidden_layers": 2, "intermediate_size": 96, "max_position_embeddings": 4096, "hidden_act": "silu"}

MODELS = [
    {"name": "llama-rlhflow", "arch": "LlamaForCausalLM", "type": "llama", "dtype": "F32", "fmt": "rlhflow", "head": "lm-labels",
     "cfg": {"num_attention_heads": 4, "num_key_value_heads": 2, "rms_norm_eps": 1e-5, "rope_theta": 500000.0, "tie_word_embeddings": False,
             "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 64}},
     "added": {"<|begin_of_text|>": True, "<|start_header_id|>": True, "<|end_header_id|>": True, "<|eot_id|>": True}, "labels": "+-"},
    {"name": "mistral-shepherd", "arch": "MistralForCausalLM", "type": "mistral", "dtype": "F16", "fmt": "math-shepherd", "head": "lm-labels", "shards": 2,
     "cfg": {"num_attention_heads": 4, "num_key_value_heads": 1, "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "tie_word_embeddings": False, "sliding_window": 4096},
     "added": {"<s>": True, "</s>": True, "ки": False}, "bos": "<s>", "labels": "+-"},
    {"name": "qwen2-tokcls", "arch": "Qwen2ForTokenClassification", "type": "qwen2", "dtype": "BF16", "fmt": "qwen2.5-math-prm", "head": "token-class",
     "cfg": {"num_attention_heads": 4, "num_key_value_heads": 2, "rms_norm_eps": 1e-6, "rope_theta": 1000000.0, "tie_word_embeddings": False, "num_labels": 2},
     "added": {"<|endoftext|>": True, "<|im_start|>": True, "<|im_end|>": True, "<extra_0>": True}, "extra_lm_head": True},
    {"name": "qwen2-value", "arch": "Qwen2ForCausalLM", "type": "qwen2", "dtype": "F32", "fmt": "plain", "head": "value",
     "cfg": {"num_attention_heads": 2, "num_key_value_heads": 2, "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "tie_word_embeddings": True},
     "added": {"<|endoftext|>": True}},
    {"name": "mistral-window", "arch": "MistralForCausalLM", "type": "mistral", "dtype": "F32", "fmt": "math-shepherd", "head": "lm-labels",
     "cfg": {"num_attention_heads": 4, "num_key_value_heads": 2, "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "tie_word_embeddings": False, "sliding_window": 4},
     "added": {"<s>": True, "</s>": True, "ки": False}, "bos": "<s>", "labels": "+-"},
    {"name": "qwen2-window", "arch": "Qwen2ForCausalLM", "type": "qwen2", "dtype": "F32", "fmt": "plain", "head": "value",
     "cfg": {"num_attention_heads": 2, "num_key_value_heads": 1, "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "tie_word_embeddings": True,
             "use_sliding_window": True, "sliding_window": 5, "max_window_layers": 1},
     "added": {"<|endoftext|>": True}},
]


def build(out, spec, seed):
    rng = np.random.default_rng(seed)
    added = {t: (256 + i, sp) for i, (t, sp) in enumerate(spec["added"].items())}
    vocab = 256 + len(added) + 3
    c = dict(BASE, **spec["cfg"], model_type=spec["type"], architectures=[spec["arch"]], vocab_size=vocab)
    c["head_dim"] = c["hidden_size"] // c["num_attention_heads"]
    H = c["hidden_size"]
    head = {"lm-labels": {"lm_head.weight": (vocab, H)}, "token-class": {"score.weight": (2, H), "score.bias": (2,)},
            "value": {"v_head.summary.weight": (1, H), "v_head.summary.bias": (1,)}}[spec["head"]]
    if spec.get("extra_lm_head"):
        head = dict(head, **{"lm_head.weight": (vocab, H)})
    raw, W = make_weights(rng, c, head, spec["dtype"], vocab)
    d = os.path.join(out, spec["name"])
    os.makedirs(d, exist_ok=True)
    cfg = dict(c)
    if spec["type"] != "llama":
        cfg.pop("head_dim")
    json.dump(cfg, open(os.path.join(d, "config.json"), "w"), indent=1)
    names = list(raw)
    shards = spec.get("shards", 1)
    if shards == 1:
        write_safetensors(os.path.join(d, "model.safetensors"), raw)
    else:
        wm = {}
        for s in range(shards):
            fn = f"model-{s + 1:05d}-of-{shards:05d}.safetensors"
            part = {n: raw[n] for n in names[s::shards]}
            write_safetensors(os.path.join(d, fn), part)
            wm.update({n: fn for n in part})
        json.dump({"metadata": {}, "weight_map": wm}, open(os.path.join(d, "model.safetensors.index.json"), "w"))
    bos = spec.get("bos")
    json.dump(tokenizer_json(added, bos), open(os.path.join(d, "tokenizer.json"), "w"))
    tc = {"added_tokens_decoder": {str(i): {"content": t, "special": sp} for t, (i, sp) in added.items()},
          "bos_token": bos, "eos_token": None, "chat_template": CHATML if spec["fmt"] == "qwen2.5-math-prm" else None}
    json.dump(tc, open(os.path.join(d, "tokenizer_config.json"), "w"))
    labels = [ord(ch) for ch in spec.get("labels", "")] or None
    cases = []
    for pid, problem, steps in PATHS:
        full = encode(text_through(spec["fmt"], problem, steps), added, added[bos][0] if bos else None)
        pos = [len(encode(text_through(spec["fmt"], problem, steps[: k + 1]), added, added[bos][0] if bos else None)) - 1 for k in range(len(steps))]
        h = hidden_states(c, W, full)
        case = {"id": pid, "problem": problem, "steps": steps, "ids": full, "positions": pos,
                "scores": head_scores(spec["head"], W, h[pos], labels).tolist()}
        if any(w is not None for w in window_layers(c)):  # what ignoring the window would give: the test must tell them apart
            h0 = hidden_states(c, W, full, [None] * c["num_hidden_layers"])
            case["scoresFullAttention"] = head_scores(spec["head"], W, h0[pos], labels).tolist()
        cases.append(case)
    return {"name": spec["name"], "windows": window_layers(c), "format": spec["fmt"], "head": spec["head"], "labels": labels, "dtype": spec["dtype"],
            "tensors": len(names), "skipped": ["lm_head.weight"] if spec.get("extra_lm_head") else [], "cases": cases}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    ref = {"models": [build(out, m, 7 + i) for i, m in enumerate(MODELS)]}
    json.dump(ref, open(os.path.join(out, "reference.json"), "w"))
    print(out)


if __name__ == "__main__":
    main()
