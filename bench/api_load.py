"""Load test: gunicorn on 127.0.0.1 serving the seeded datasets, 50 concurrent clients for 30 s over the analytics
endpoints. A bounded loop: it stops by itself after the duration, then stops the server.

    python bench/api_load.py [--clients 50] [--seconds 30] [--workers 4] [--port 8731]

Datasets are read from the configured databases (data/*.sqlite3 by default); a domain that is not built is
skipped. Prints requests/s, errors and p50/p99 latency per endpoint and overall.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import statistics
import subprocess
import sys
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


def built_endpoints(port: int) -> list[str]:
    urls = []
    for domain, paths in ENDPOINTS.items():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", paths[0])
        response = connection.getresponse()
        body = response.read()
        if response.status == 200 and body not in (b"[]", b'{"count":0,"next":null,"previous":null,"results":[]}'):
            urls += paths
        else:
            print(f"  {domain}: not built or empty ({response.status}), skipped")
    return urls


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


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8731)
    args = parser.parse_args()

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local", "DJANGO_DEBUG": "False"}
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
        urls = built_endpoints(args.port)
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
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    everything = [value for values in latencies.values() for value in values]
    print(
        f"{args.clients} clients, {args.workers} gunicorn workers, {wall:.1f} s: {len(everything):,} requests, "
        f"{len(everything) / wall:,.0f} req/s, {sum(errors.values())} errors"
    )
    print(f"{'endpoint':<52} {'requests':>9} {'errors':>6} {'p50 ms':>8} {'p99 ms':>8}")
    for url in urls:
        values = latencies[url]
        print(
            f"{url:<52} {len(values):>9,} {errors[url]:>6} {statistics.median(values) * 1000:>8.1f} "
            f"{percentile(values, 0.99) * 1000:>8.1f}"
        )
    print(
        f"{'all':<52} {len(everything):>9,} {sum(errors.values()):>6} "
        f"{statistics.median(everything) * 1000:>8.1f} {percentile(everything, 0.99) * 1000:>8.1f}"
    )


if __name__ == "__main__":
    main()
