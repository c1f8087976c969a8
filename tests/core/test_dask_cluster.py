"""A real Dask cluster: a `dask scheduler` and two `dask worker` processes on 127.0.0.1 generate two datasets, and
the digests equal the serial run's.

It starts three processes (about 10 s). It runs wherever dask[distributed] is installed (the README's test command
installs it) and is skipped, with the reason, where it is not or when DASK_CLUSTER_TEST=0.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core import datasets
from core.runner import run
from tests.core.test_dataset_protocol import MemorySink, tiny_plan

ROOT = Path(__file__).resolve().parents[2]
DOMAINS = ("minicrm", "churnlab")

pytestmark = pytest.mark.skipif(
    os.environ.get("DASK_CLUSTER_TEST") == "0", reason="DASK_CLUSTER_TEST=0: no Dask scheduler and workers started"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def scheduler_address():
    pytest.importorskip("distributed", reason='dask is not installed (pip install -e ".[dask]")')
    dask = shutil.which("dask") or str(Path(sys.executable).with_name("dask"))
    if not Path(dask).exists():
        pytest.skip("the dask command is not installed")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    common = {"cwd": ROOT, "env": env, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    processes = [
        subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], **common)
    ]
    for _ in range(2):
        processes.append(subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--no-dashboard"], **common))
    from distributed import Client

    try:
        deadline = time.monotonic() + 60
        with Client(address, timeout="30s") as client:
            while len(client.scheduler_info()["workers"]) < 2:
                if time.monotonic() > deadline:
                    pytest.fail("the two Dask workers did not join the scheduler within 60 s")
                time.sleep(0.5)
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


@pytest.mark.parametrize("domain", DOMAINS)
def test_a_dask_cluster_of_processes_gives_the_serial_digests(domain, scheduler_address):
    spec = datasets.get(domain)
    plan = tiny_plan(spec)
    serial, clustered = MemorySink(), MemorySink()
    run(spec, plan, [serial])
    result = run(spec, plan, [clustered], executor="dask", scheduler=scheduler_address)
    assert plan.shards > 1
    assert clustered.digests() == serial.digests()
    assert result.digests == serial.generation["digests"]
