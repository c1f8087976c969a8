"""A streamed zip of the default cardportfolio (50,000 cardholders, about 13.9 million transactions) keeps the
serving process under 300 MB.

Opt-in, since seeding and streaming the full size takes minutes: `SYNTHBIZ_BIG_DOWNLOAD=1 pytest
tests/web/test_download_memory.py` (`SYNTHBIZ_BIG_DOWNLOAD_CUSTOMERS=12000` for a 3.4 million-row run). The seed
and the download each run in their own process against a scratch SQLite file, and the download's peak resident
memory is read from the operating system after it exits.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PEAK_LIMIT_MB = 300

DOWNLOAD = textwrap.dedent(
    """
    import os, resource, sys
    import django
    django.setup()
    from django.test import Client
    response = Client().get("/downloads/cardportfolio-csv.zip")
    assert response.status_code == 200, response.status_code
    size = sum(len(block) for block in response.streaming_content)
    from cardportfolio.models import Transaction
    print(Transaction.objects.count(), size, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    """
)


@pytest.mark.skipif(not os.environ.get("SYNTHBIZ_BIG_DOWNLOAD"), reason="opt-in: set SYNTHBIZ_BIG_DOWNLOAD=1")
def test_streaming_the_default_cardportfolio_zip_stays_under_300_mb(tmp_path):
    customers = os.environ.get("SYNTHBIZ_BIG_DOWNLOAD_CUSTOMERS", "50000")
    env = {key: value for key, value in os.environ.items() if not key.endswith("DATABASE_URL")}
    env.update(
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'django.sqlite3'}",
        CARDPORTFOLIO_DATABASE_URL=f"sqlite:///{tmp_path / 'cardportfolio.sqlite3'}",
        CACHE_URL=f"filecache://{tmp_path / 'cache'}",
        DOWNLOAD_CACHE_DIR=str(tmp_path / "downloads"),
        DJANGO_ALLOWED_HOSTS="testserver",
    )
    seed = [sys.executable, "manage.py", "seed_cardportfolio", "--count", customers, "--no-input"]
    seed += ["--output", str(tmp_path / "customers.csv"), "--parquet", str(tmp_path / "tx.parquet")]
    subprocess.run(seed, cwd=ROOT, env=env, check=True, capture_output=True, timeout=3600)
    result = subprocess.run(
        [sys.executable, "-c", DOWNLOAD], cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=3600
    )
    rows, size, peak_kb = map(int, result.stdout.split()[-3:])
    peak_mb = peak_kb / 1024  # the download process's own peak resident memory (Linux reports kilobytes)
    assert rows > int(customers) * 200 and size > rows * 10
    assert peak_mb < PEAK_LIMIT_MB, f"peak {peak_mb:.0f} MB streaming {rows:,} rows into {size:,} bytes"
