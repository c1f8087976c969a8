"""Load test: gunicorn on 127.0.0.1 serving the seeded datasets, 50 concurrent clients for 30 s over the analytics
endpoints. A bounded loop: it stops by itself after the duration, then stops the server.

    python bench/api_load.py [--clients 50] [--seconds 30] [--workers 4] [--port 8731] [--no-cache]

Datasets are read from the configured databases (data/*.sqlite3 by default); a domain that is not built is
skipped. The server gets an empty cache of its own, so each endpoint is first requested once, alone, to show what
an uncached answer costs ("cold ms"); the timed run then measures the steady state. `--no-cache` switches the
analytics cache off (ANALYTICS_CACHE_SECONDS=0) to show what it buys. Prints requests/s, errors, p50/p99/max
latency per endpoint and overall, and the peak memory of the gunicorn workers.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Analytics endpoints per domain (the first is probed to decide whether the domain is built).
ENDPOINTS = {
    "minicrm": [
        "/api/rfm/by-segment/",
        "/api/rfm/statistics/",
        "/api/rfm/persona-segments/",
        "/api/rfm/?segment=Champions&ordering=-monetary",
    ],
    "dvdrental": [
        "/api/dvdrental/yearly-performance/",
        "/api/dvdrental/phases/",
        "/api/dvdrental/ar-aging/",
        "/api/dvdrental/customer-segments/",
        "/api/dvdrental/inventory-status/",
        "/api/dvdrental/top-films/",
    ],
    "hopify": ["/api/hopify/kpis/", "/api/hopify/mrr/", "/api/hopify/cohorts/", "/api/hopify/funnel/"],
    "cardportfolio": [
        "/api/cardportfolio/segments/",
        "/api/cardportfolio/monthly-spend/",
        "/api/cardportfolio/observed-segments/",
    ],
    "churnlab": ["/api/churnlab/summary/", "/api/churnlab/retention/", "/api/churnlab/data-quality/"],
}


def wait_for_server(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/schema/")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer on port {port} within {timeout:.0f} s")


def timed_get(port: int, url: str) -> tuple[float, int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    connection.request("GET", url)
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed, response.status, body


def built_endpoints(port: int) -> tuple[list[str], dict[str, float]]:
    """The endpoints of the built domains, each requested once, alone: what an uncached answer costs."""
    urls, cold = [], {}
    for domain, paths in ENDPOINTS.items():
        elapsed, status, body = timed_get(port, paths[0])
        if status != 200 or body in (b"[]", b'{"count":0,"next":null,"previous":null,"results":[]}'):
            print(f"  {domain}: not built or empty ({status}), skipped")
            continue
        cold[paths[0]] = elapsed
        for path in paths[1:]:
            cold[path] = timed_get(port, path)[0]
        urls += paths
    return urls, cold


def client_loop(port: int, urls: list[str], stop_at: float, offset: int, latencies, errors, lock) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    index = offset
    while time.monotonic() < stop_at:
        url = urls[index % len(urls)]
        index += 1
        started = time.perf_counter()
        try:
            connection.request("GET", url)
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            ok = False
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        elapsed = time.perf_counter() - started
        with lock:
            latencies[url].append(elapsed)
            if not ok:
                errors[url] += 1


def worker_peak_rss_mb(server_pid: int) -> float:
    """The largest peak resident memory (VmHWM) among the gunicorn workers, MB (Linux /proc)."""
    try:
        children = Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
    except OSError:
        return float("nan")
    peaks = []
    for pid in children:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return max(peaks, default=float("nan"))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--no-cache", action="store_true", help="Switch the analytics response cache off.")
    args = parser.parse_args()

    cache_dir = tempfile.TemporaryDirectory(prefix="api-load-cache-")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "False",
        "CACHE_URL": f"filecache://{cache_dir.name}",
        "ANALYTICS_CACHE_SECONDS": "0" if args.no_cache else os.environ.get("ANALYTICS_CACHE_SECONDS", "3600"),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi_app:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for_server(args.port)
        urls, cold = built_endpoints(args.port)
        if not urls:
            raise SystemExit("no dataset is built: run the seed commands first")
        latencies: dict[str, list[float]] = defaultdict(list)
        errors: dict[str, int] = defaultdict(int)
        lock = threading.Lock()
        started = time.monotonic()
        stop_at = started + args.seconds
        threads = [
            threading.Thread(target=client_loop, args=(args.port, urls, stop_at, i, latencies, errors, lock))
            for i in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.monotonic() - started
        peak_mb = worker_peak_rss_mb(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        cache_dir.cleanup()

    everything = [value for values in latencies.values() for value in values]
    print(
        f"{args.clients} clients, {args.workers} gunicorn workers, {wall:.1f} s: {len(everything):,} requests, "
        f"{len(everything) / wall:,.0f} req/s, {sum(errors.values())} errors, "
        f"analytics cache {'off' if args.no_cache else 'on'}, worker peak memory {peak_mb:,.0f} MB"
    )
    print(f"{'endpoint':<52} {'cold ms':>8} {'requests':>9} {'errors':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for url in urls:
        values = latencies[url]
        print(
            f"{url:<52} {cold[url] * 1000:>8.1f} {len(values):>9,} {errors[url]:>6} "
            f"{statistics.median(values) * 1000:>8.1f} {percentile(values, 0.99) * 1000:>8.1f} "
            f"{max(values) * 1000:>8.1f}"
        )
    print(
        f"{'all':<52} {'':>8} {len(everything):>9,} {sum(errors.values()):>6} "
        f"{statistics.median(everything) * 1000:>8.1f} {percentile(everything, 0.99) * 1000:>8.1f} "
        f"{max(everything) * 1000:>8.1f}"
    )


if __name__ == "__main__":
    main()
