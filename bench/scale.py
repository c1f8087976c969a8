"""Scale benchmark: every registered dataset to Parquet at several scale factors and worker counts, against
tpchgen-cli (tpchgen-rs, the pip package) at TPC-H scale factors in the same run.

    python bench/scale.py                                   # the issue's matrix: scales 1 10 30, workers 1 2
    python bench/scale.py --scales 0.1 1 --domains minicrm churnlab --tpch 1

Each measurement runs in its own process (`python bench/scale.py --one DOMAIN SCALE WORKERS DIR`), so its peak
memory is its own. Printed per run: rows, seconds, rows/s, rows/s per core used, peak memory of the writer process
(the workers are separate processes of about the same size); then each domain's cost per row as a ratio of
tpchgen-rs's cost per row at the same core count.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import ROOT, setup_django


def one(domain: str, scale: float, workers: int, out: str) -> dict:
    """One measured run in this process; returns its figures."""
    setup_django()
    from core import datasets
    from core.runner import executor_for, run
    from core.sinks import parse_target

    spec = datasets.get(domain)
    plan = spec.plan(seed=42, scale=scale, options={})
    started = time.perf_counter()
    result = run(
        spec,
        plan,
        [parse_target(f"parquet:{out}", domain=domain)],
        executor=executor_for(workers=workers),
        workers=workers,
    )
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "domain": domain,
        "scale": scale,
        "workers": workers,
        "shards": plan.shards,
        "rows": result.total_rows,
        "seconds": seconds,
        "peak_mib": peak,
        "worker_peak_mib": children,
    }


def measure(domain: str, scale: float, workers: int) -> dict:
    folder = tempfile.mkdtemp(prefix=f"scale-{domain}-")
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--one", domain, str(scale), str(workers), folder],
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
        )
        if done.returncode != 0:
            return {"domain": domain, "scale": scale, "workers": workers, "error": done.stderr.strip().splitlines()[-1]}
        return json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(folder, ignore_errors=True)


TPCH_ROWS_PER_SF = 8_661_245  # all eight tables at SF 1 (lineitem 6,001,215, orders 1,500,000, ...)


def tpch(scale: float, threads: int) -> dict:
    binary = shutil.which("tpchgen-cli") or str(Path(sys.executable).with_name("tpchgen-cli"))
    if not Path(binary).exists():
        return {"scale": scale, "threads": threads, "error": "tpchgen-cli is not installed (pip install tpchgen-cli)"}
    folder = tempfile.mkdtemp(prefix="scale-tpch-")
    try:
        started = time.perf_counter()
        done = subprocess.run(
            [binary, "parquet", "-s", str(scale), "-n", str(threads), "-o", folder],
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        if done.returncode != 0:
            return {"scale": scale, "threads": threads, "error": done.stderr.strip()[-200:]}
        return {
            "scale": scale,
            "threads": threads,
            "rows": round(TPCH_ROWS_PER_SF * scale),
            "seconds": seconds,
            "peak_mib": peak,
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 10, 30])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--domains", nargs="+", default=None, help="default: every registered dataset")
    parser.add_argument("--tpch", type=float, nargs="+", default=[1, 10], help="TPC-H scale factors")
    parser.add_argument("--one", nargs=4, metavar=("DOMAIN", "SCALE", "WORKERS", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        domain, scale, workers, out = args.one
        print(json.dumps(one(domain, float(scale), int(workers), out)))
        return
    setup_django()
    from core import datasets

    domains = args.domains or datasets.registered()
    print(f"# {os.cpu_count()} cores; Parquet; seed 42")
    tpch_cost = {}
    for scale in args.tpch:
        for threads in args.workers:
            figures = tpch(scale, threads)
            if "error" in figures:
                print(f"tpchgen-cli SF {scale:g} x{threads}: {figures['error']}")
                continue
            cost = figures["seconds"] * threads / figures["rows"]
            tpch_cost.setdefault(threads, []).append(cost)
            rate = figures["rows"] / figures["seconds"] / threads
            print(
                f"tpchgen-cli SF {scale:g} threads {threads}: {figures['rows']:,} rows in {figures['seconds']:.2f} s, "
                f"{rate:,.0f} rows/s per core, peak {figures['peak_mib']:,.0f} MiB"
            )
    header = ("domain", "scale", "workers", "shards", "rows", "s", "rows/s/core", "peak MiB", "x tpch")
    widths = (-14, 7, 8, 7, 13, 8, 13, 10, 8)
    print("".join(f"{text:<{-w}}" if w < 0 else f"{text:>{w}}" for text, w in zip(header, widths, strict=True)))
    for domain in domains:
        base = {}
        for scale in args.scales:
            for workers in args.workers:
                figures = measure(domain, scale, workers)
                if "error" in figures:
                    print(f"{domain:<14}{scale:>7g}{workers:>8}  error: {figures['error']}")
                    continue
                per_core = figures["rows"] / figures["seconds"] / workers
                cost = figures["seconds"] * workers / figures["rows"]
                reference = min(tpch_cost.get(workers, [float("nan")]))
                base.setdefault(scale, {})[workers] = figures["seconds"]
                print(
                    f"{domain:<14}{scale:>7g}{workers:>8}{figures['shards']:>7}{figures['rows']:>13,}"
                    f"{figures['seconds']:>8.2f}{per_core:>13,.0f}{figures['peak_mib']:>10,.0f}{cost / reference:>8.1f}"
                )
        for scale, by_workers in base.items():
            if 1 in by_workers and 2 in by_workers:
                print(f"  {domain} scale {scale:g}: 2 workers {by_workers[1] / by_workers[2]:.2f}x faster than 1")


if __name__ == "__main__":
    main()
