#!/usr/bin/env python3
"""Write a LLaMA-shaped float32 safetensors checkpoint filled with N(0, 0.02) noise.

Only numpy is needed: the safetensors layout is simple enough to write by hand
(8-byte little-endian header length, a JSON header padded with spaces to a
multiple of 8, then every tensor's raw little-endian bytes back to back).

Tensors are generated and written one at a time (the embedding and lm_head in
row blocks), so memory stays near the size of the largest single tensor
instead of the whole file. The file is written under a temporary name and
renamed at the end, so an interrupted run never leaves a half-written
checkpoint behind under the final name.

    python3 make_checkpoint.py --preset llama-60m --output /tmp/llama-60m.safetensors
"""

import argparse
import json
import os
import struct
import sys
import time

import numpy as np

# hidden size, MLP intermediate size, number of decoder layers, vocabulary
PRESETS = {
    "llama-60m": dict(hidden=512, intermediate=1376, layers=8, vocab=32000),
    "llama-350m": dict(hidden=1024, intermediate=2736, layers=24, vocab=32000),
    "llama-1b": dict(hidden=2048, intermediate=5461, layers=24, vocab=32000),
}

STD = 0.02
ROWS_PER_BLOCK = 4096  # rows generated at a time for the big vocabulary matrices


def tensor_list(hidden, intermediate, layers, vocab):
    """(name, shape) in the order a LLaMA state dict lists them."""
    out = [("model.embed_tokens.weight", (vocab, hidden))]
    for i in range(layers):
        p = f"model.layers.{i}."
        out += [
            (p + "self_attn.q_proj.weight", (hidden, hidden)),
            (p + "self_attn.k_proj.weight", (hidden, hidden)),
            (p + "self_attn.v_proj.weight", (hidden, hidden)),
            (p + "self_attn.o_proj.weight", (hidden, hidden)),
            (p + "mlp.gate_proj.weight", (intermediate, hidden)),
            (p + "mlp.up_proj.weight", (intermediate, hidden)),
            (p + "mlp.down_proj.weight", (hidden, intermediate)),
            (p + "input_layernorm.weight", (hidden,)),
            (p + "post_attention_layernorm.weight", (hidden,)),
        ]
    out += [("model.norm.weight", (hidden,)), ("lm_head.weight", (vocab, hidden))]
    return out


def build_header(tensors, run_id, step):
    header = {"__metadata__": {"run_id": run_id, "step": str(step)}}
    offset = 0
    for name, shape in tensors:
        nbytes = 4 * int(np.prod(shape))
        header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [offset, offset + nbytes]}
        offset += nbytes
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * (-len(raw) % 8)  # pad so the data section starts 8-byte aligned
    return raw, offset


def write_checkpoint(path, preset, seed, run_id, step):
    dims = PRESETS[preset]
    tensors = tensor_list(**dims)
    header, data_bytes = build_header(tensors, run_id, step)
    rng = np.random.default_rng(seed)
    tmp = f"{path}.partial-{os.getpid()}"
    le_f32 = np.dtype("<f4")
    try:
        with open(tmp, "wb") as f:
            f.write(struct.pack("<Q", len(header)))
            f.write(header)
            for _name, shape in tensors:
                rows = shape[0]
                rest = shape[1:]
                for r0 in range(0, rows, ROWS_PER_BLOCK if len(shape) == 2 else rows):
                    n = min(ROWS_PER_BLOCK if len(shape) == 2 else rows, rows - r0)
                    block = rng.standard_normal((n, *rest), dtype=np.float32)
                    block *= np.float32(STD)
                    f.write(block.astype(le_f32, copy=False).tobytes(order="C"))
        expected = 8 + len(header) + data_bytes
        actual = os.path.getsize(tmp)
        if actual != expected:
            raise RuntimeError(f"wrote {actual} bytes, expected {expected}")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return len(tensors), expected


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", choices=sorted(PRESETS), default="llama-60m")
    ap.add_argument("--output", "-o", help="file to write (default: <preset>.safetensors in the current folder)")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--run-id", default="bench-esd")
    ap.add_argument("--step", type=int, default=0)
    args = ap.parse_args(argv)

    path = args.output or f"{args.preset}.safetensors"
    t0 = time.perf_counter()
    count, size = write_checkpoint(path, args.preset, args.seed, args.run_id, args.step)
    dt = time.perf_counter() - t0
    print(f"{path}: {args.preset}, {count} tensors, {size} bytes ({size / 2**20:.1f} MiB) in {dt:.1f} s",
          file=sys.stderr)


if __name__ == "__main__":
    main()
