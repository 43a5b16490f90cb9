#!/usr/bin/env python3
"""The numpy reference for the esd-service: whole-checkpoint heavy-tail alpha and AlphaDecay weight decay.

It does what the AlphaDecay paper's training code does at each re-weighting
step, one module after another on the CPU:

  * singular values with np.linalg.svd(W.astype(np.float64), compute_uv=False)
  * eigenvalues of W^T W: lambda = s**2, sorted ascending
  * median-Hill estimate: N = len(lambda), i = N // 2, n = N - i,
        alpha = 1 + n / sum_{j=i}^{N-1} ln(lambda_j / lambda_i)
  * weight decay: wd_m = wd0 * (s1 + (s2 - s1) * (alpha_m - alpha_min) / (alpha_max - alpha_min))

Modules: every 2-D model.layers.{i}.self_attn.{q,k,v,o}_proj.weight and
model.layers.{i}.mlp.{gate,up,down}_proj.weight except layer 0's q_proj;
matrices with fewer than 50 eigenvalues are skipped. These are the
esd-service's defaults.

The time printed covers everything from opening the file to the last alpha,
reading included; the last line of standard output is `seconds=<float>`.

    python3 reference.py llama-60m.safetensors --out alphas.json
"""

import argparse
import json
import math
import re
import struct
import sys
import time

import numpy as np

INCLUDE = re.compile(r"model\.layers\.(\d+)\.(self_attn\.[qkvo]_proj|mlp\.(?:gate|up|down)_proj)\.weight")
EXCLUDE = re.compile(r"model\.layers\.0\.self_attn\.q_proj\.weight")
MIN_EIGS = 50
WD0, S1, S2 = 0.1, 0.6666, 5.0

DTYPES = {"F32": "<f4", "F64": "<f8", "F16": "<f2"}


class BadCheckpoint(Exception):
    pass


def read_header(f, file_size):
    """Parse and validate the header: JSON, known dtypes, sizes match shapes, data contiguous and complete."""
    raw_len = f.read(8)
    if len(raw_len) != 8:
        raise BadCheckpoint("shorter than the 8-byte header length")
    (n,) = struct.unpack("<Q", raw_len)
    if n > file_size - 8:
        raise BadCheckpoint(f"header length {n} runs past the end of the file")
    header = json.loads(f.read(n).decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    data_start = 8 + n
    spans = []
    for name, info in header.items():
        dtype = np.dtype(DTYPES[info["dtype"]]) if info["dtype"] in DTYPES else None
        begin, end = info["data_offsets"]
        count = math.prod(info["shape"])
        if dtype is not None and end - begin != count * dtype.itemsize:
            raise BadCheckpoint(f"{name}: {end - begin} bytes for shape {info['shape']} of {info['dtype']}")
        spans.append((begin, end, name))
    spans.sort()
    pos = 0
    for begin, end, name in spans:
        if begin != pos:
            raise BadCheckpoint(f"{name} starts at {begin}, expected {pos} (hole or overlap)")
        pos = end
    if data_start + pos != file_size:
        raise BadCheckpoint(f"data ends at {data_start + pos}, file has {file_size} bytes")
    return metadata, header, data_start


def select(header):
    """Selected module names in file order, with their layer and type."""
    picked = []
    for name, info in header.items():
        m = INCLUDE.fullmatch(name)
        if m and not EXCLUDE.fullmatch(name) and len(info["shape"]) == 2 and info["dtype"] in DTYPES:
            picked.append((info["data_offsets"][0], name, int(m.group(1)), m.group(2)))
    picked.sort()
    return [(name, layer, kind) for _, name, layer, kind in picked]


def median_hill_alpha(lam):
    """lam sorted ascending."""
    big_n = len(lam)
    i = big_n // 2
    n = big_n - i
    return 1.0 + n / float(np.sum(np.log(lam[i:] / lam[i])))


def analyze(path):
    t0 = time.perf_counter()
    with open(path, "rb") as f:
        f.seek(0, 2)
        size = f.tell()
        f.seek(0)
        metadata, header, data_start = read_header(f, size)
        modules, skipped = [], []
        for name, layer, kind in select(header):
            info = header[name]
            rows, cols = info["shape"]
            begin, _end = info["data_offsets"]
            num_eigs = min(rows, cols)
            entry = dict(name=name, layer=layer, type=kind, rows=rows, cols=cols, numEigs=num_eigs)
            if num_eigs < MIN_EIGS:
                skipped.append(dict(name=name, reason=f"{num_eigs} eigenvalues < {MIN_EIGS}"))
                continue
            f.seek(data_start + begin)
            w = np.fromfile(f, dtype=DTYPES[info["dtype"]], count=rows * cols).reshape(rows, cols)
            s = np.linalg.svd(w.astype(np.float64), compute_uv=False)
            lam = np.sort(s * s)
            alpha = median_hill_alpha(lam)
            entry["alpha"] = alpha
            entry["status"] = "ok" if math.isfinite(alpha) else "invalid"
            modules.append(entry)
    seconds = time.perf_counter() - t0

    ok = [m["alpha"] for m in modules if m["status"] == "ok"]
    a_min, a_max = (min(ok), max(ok)) if ok else (0.0, 0.0)
    for m in modules:
        if m["status"] != "ok":
            m["weightDecay"] = None
        elif a_max > a_min:
            m["weightDecay"] = WD0 * (S1 + (S2 - S1) * (m["alpha"] - a_min) / (a_max - a_min))
        else:
            m["weightDecay"] = WD0 * S1  # every alpha equal: the lower end of the range, as the service does
    return dict(file=path, bytes=size, metadata=metadata, seconds=seconds, wd0=WD0, s1=S1, s2=S2,
                modules=modules, skipped=skipped)


def blas_summary():
    try:
        from threadpoolctl import threadpool_info  # optional
        return "; ".join(f"{i.get('internal_api')} {i.get('version')} threads={i.get('num_threads')}"
                         for i in threadpool_info() if i.get("user_api") == "blas") or "unknown"
    except ImportError:
        pass
    try:
        cfg = np.show_config(mode="dicts")
        blas = cfg["Build Dependencies"]["blas"]
        return f"{blas.get('name')} {blas.get('version', '')}".strip()
    except Exception:
        return "unknown"


def main(argv=None):
    ap = argparse.ArgumentParser(description="numpy reference: median-Hill alpha per module of a checkpoint")
    ap.add_argument("checkpoint")
    ap.add_argument("--out", help="write the per-module alpha and weight decay here as JSON")
    ap.add_argument("--quiet", "-q", action="store_true", help="print only the seconds line")
    args = ap.parse_args(argv)

    try:
        result = analyze(args.checkpoint)
    except BadCheckpoint as ex:
        print(f"{args.checkpoint}: not a valid checkpoint: {ex}", file=sys.stderr)
        return 2
    if args.out:
        with open(args.out, "w") as f:
            json.dump(result, f, indent=1)
    if not args.quiet:
        alphas = [m["alpha"] for m in result["modules"] if m["status"] == "ok"]
        print(f"file: {args.checkpoint} ({result['bytes']} bytes)")
        print(f"numpy {np.__version__}, BLAS: {blas_summary()}")
        print(f"modules analysed: {len(result['modules'])}, skipped: {len(result['skipped'])}")
        if alphas:
            print(f"alpha: min {min(alphas):.6f}, median {float(np.median(alphas)):.6f}, max {max(alphas):.6f}")
    print(f"seconds={result['seconds']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
