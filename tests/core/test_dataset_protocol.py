"""The dataset protocol's contract, for every registered dataset at its tiny scale.

The same per-table digests (core.validation.table_digest's text form) must come out of: the serial runner, a
process pool of 3, a Dask cluster, database batch sizes of 1,000 and 100,000, SQLite, MariaDB and PostgreSQL,
and the Parquet, CSV, DuckDB and SQL-dump sinks (each dump loaded with the plain sqlite3/mariadb/psql client).
No foreign key may point at a missing row. Servers, clients and dask that are missing skip with the reason.
"""

from __future__ import annotations

import dataclasses
import json
import math
import shutil
import subprocess

import numpy as np
import pytest

from core import datasets
from core.contract import arrow_digest, rows_digest
from core.runner import RunnerError, run
from core.sinks import Sink, SinkError, parse_target
from core.sinks.database import DatabaseSink, read_generation
from core.validation import foreign_key_orphans, table_digest
from simkit.tables import TableBatch
from tests.conftest import configured_kind

SEED = 11
DOMAINS = datasets.registered()


class MemorySink(Sink):
    """Keeps every batch as Arrow, to digest what the runner produced without any storage in between."""

    def open(self, contract) -> None:
        super().open(contract)
        self.tables = {table.table: [] for table in self.contract}

    def write(self, batch) -> None:
        self.tables[batch.table].append(self.by_table[batch.table].arrow_table(batch.columns))

    def commit(self, generation=None) -> None:
        self.generation = generation

    def abort(self) -> None:
        self.tables = {}

    def digests(self) -> dict[str, str]:
        import pyarrow as pa

        out = {}
        for contract in self.contract:
            parts = self.tables[contract.table]
            table = pa.concat_tables(parts) if parts else contract.arrow_schema().empty_table()
            out[contract.table] = arrow_digest(contract, table)
        return out


def tiny_plan(spec):
    """The spec's plan at its tiny scale, split into 3 shards where the plan has a shard size to change."""
    plan = spec.plan(seed=SEED, scale=spec.tiny_scale, options={})
    fields = {field.name for field in dataclasses.fields(plan)}
    if {"shard_size", "customers"} <= fields and plan.customers >= 3:
        size = math.ceil(plan.customers / 3)
        plan = dataclasses.replace(plan, shard_size=size, shards=math.ceil(plan.customers / size))
    return plan


_reference: dict[str, tuple] = {}


def reference(domain: str):
    """(spec, plan, digests, generation) of the serial run into memory, computed once per domain."""
    if domain not in _reference:
        spec = datasets.get(domain)
        plan = tiny_plan(spec)
        sink = MemorySink()
        result = run(spec, plan, [sink])
        assert result.total_rows > 0
        _reference[domain] = (spec, plan, sink.digests(), sink.generation)
    return _reference[domain]


def database_digests(spec, alias: str) -> dict[str, str]:
    return {model._meta.db_table: table_digest(using=alias, model=model) for model in spec.models()}


@pytest.mark.parametrize("domain", DOMAINS)
def test_workers_and_dask_give_the_serial_digests(domain):
    spec, plan, expected, generation = reference(domain)
    assert generation["seed"] == SEED and generation["domain"] == domain
    sink = MemorySink()
    result = run(spec, plan, [sink], executor="processes", workers=3)
    assert sink.digests() == expected
    assert result.digests == generation["digests"]  # the runner's own digest of the generated columns


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed", reason='dask is not installed (pip install -e ".[dask]")')
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.mark.parametrize("domain", DOMAINS)
def test_a_dask_cluster_gives_the_serial_digests(domain, dask_client):
    spec, plan, expected, _ = reference(domain)
    sink = MemorySink()
    run(spec, plan, [sink], executor="dask", scheduler=dask_client)
    assert sink.digests() == expected


@pytest.mark.parametrize("domain", DOMAINS)
def test_database_digests_for_batch_sizes_and_no_orphans(domain, scratch_database):
    """Into the backend CI configures for the domain (SQLite, MariaDB or PostgreSQL), at two batch sizes."""
    spec, plan, expected, _ = reference(domain)
    for batch_size in (1_000, 100_000):
        url, alias = scratch_database(domain)
        result = run(spec, plan, [DatabaseSink(domain=domain, database_url=url, batch_size=batch_size)])
        assert database_digests(spec, alias) == expected
        assert [o for o in foreign_key_orphans(using=alias, app_label=domain) if o.orphans] == []
        recorded = read_generation(using=alias)
        assert recorded["seed"] == SEED and recorded["digests"] == result.digests


@pytest.mark.parametrize("domain", DOMAINS)
def test_file_sinks_give_the_database_digests(domain, tmp_path):
    import duckdb
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    spec, plan, expected, _ = reference(domain)
    targets = [f"parquet:{tmp_path}/pq", f"csv:{tmp_path}/csv", f"duckdb:{tmp_path}/d.duckdb"]
    run(spec, plan, [parse_target(target, domain=domain) for target in targets])
    contract = {table.table: table for table in spec.contract()}
    connection = duckdb.connect(str(tmp_path / "d.duckdb"), read_only=True)
    for name, table in contract.items():
        schema = table.arrow_schema()
        parquet = pq.read_table(tmp_path / "pq" / f"{name}.parquet")
        # Parquet stores timestamps in milliseconds at the finest: compare with the contract's types after a cast.
        assert parquet.schema.names == schema.names
        assert parquet.cast(schema).schema.equals(schema, check_metadata=False)
        assert arrow_digest(table, parquet) == expected[name], f"parquet {name}"
        options = pa_csv.ConvertOptions(column_types=schema, strings_can_be_null=True, quoted_strings_can_be_null=False)
        csv_table = pa_csv.read_csv(tmp_path / "csv" / f"{name}.csv", convert_options=options)
        assert arrow_digest(table, csv_table) == expected[name], f"csv {name}"
        columns = ", ".join(f'"{c.column}"' for c in table.columns)
        rows = connection.execute(f'SELECT {columns} FROM "{name}" ORDER BY "{table.primary_key.column}"').fetchall()
        assert rows_digest(table, rows) == expected[name], f"duckdb {name}"
    recorded = connection.execute("SELECT seed, tables_json FROM synthbiz_generation").fetchone()
    assert recorded[0] == SEED and set(json.loads(recorded[1])["digests"]) == set(expected)
    metadata = pq.read_metadata(tmp_path / "pq" / f"{next(iter(contract))}.parquet").metadata
    assert json.loads(metadata[b"synthbiz_generation"])["seed"] == SEED
    assert not list(tmp_path.rglob("*.partial"))


CLIENTS = {"sqlite": "sqlite3", "mysql": "mariadb", "postgres": "psql"}
KINDS = {"sqlite": "sqlite", "mysql": "mysql", "postgres": "postgresql"}


def _load_dump(dialect: str, path, url: str) -> None:
    client = shutil.which(CLIENTS[dialect]) or (dialect == "mysql" and shutil.which("mysql"))
    if not client:
        pytest.skip(f"the {CLIENTS[dialect]} client is not installed")
    if dialect == "sqlite":
        command = [client, url.removeprefix("sqlite:///")]
    elif dialect == "mysql":
        rest = url.removeprefix("mysql://")
        user, _, rest = rest.partition("@")
        host_port, _, name = rest.partition("/")
        host, _, port = host_port.partition(":")
        command = [client, "-u", user, "-h", host, "-P", port or "3306", name]
    else:
        command = [client, "-q", "-v", "ON_ERROR_STOP=1", "-d", url.replace("postgres://", "postgresql://")]
    with path.open("rb") as dump:
        done = subprocess.run(command, stdin=dump, capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode()[-500:]


@pytest.mark.parametrize("dialect", ["sqlite", "mysql", "postgres"])
@pytest.mark.parametrize("domain", DOMAINS)
def test_sql_dumps_load_with_the_plain_client(domain, dialect, tmp_path, scratch_database):
    """Each dump into an empty database of its kind; the server dialects in the CI run configured with that server
    (the SQLite run stays fast), the SQLite dump in every run."""
    if dialect != "sqlite" and configured_kind(domain) != KINDS[dialect]:
        pytest.skip(f"the {dialect} dump is loaded in the run with {domain} on {KINDS[dialect]}")
    spec, plan, expected, _ = reference(domain)
    path = tmp_path / f"{domain}.sql"
    run(spec, plan, [parse_target(f"sql:{path}?dialect={dialect}", domain=domain)])
    url, alias = scratch_database(domain, KINDS[dialect])  # created empty, not migrated
    _load_dump(dialect, path, url)
    assert database_digests(spec, alias) == expected


def test_bad_targets_and_executors_are_one_line_errors(tmp_path, monkeypatch):
    spec = datasets.get("minicrm")
    plan = spec.plan(seed=1, scale=spec.tiny_scale, options={})
    with pytest.raises(SinkError, match="unknown target scheme 'ftp'"):
        parse_target("ftp://x", domain="minicrm")
    with pytest.raises(SinkError, match="unknown SQL dialect 'oracle'"):
        parse_target(f"sql:{tmp_path}/x.sql?dialect=oracle", domain="minicrm")
    (tmp_path / "file").write_text("")
    with pytest.raises(SinkError, match="cannot create the csv folder"):
        run(spec, plan, [parse_target(f"csv:{tmp_path}/file/sub", domain="minicrm")])
    with pytest.raises(RunnerError, match="workers must be a positive integer"):
        run(spec, plan, [MemorySink()], executor="processes", workers=0)
    with pytest.raises(RunnerError, match="unknown executor"):
        run(spec, plan, [MemorySink()], executor="threads")
    pytest.importorskip("distributed")
    monkeypatch.setattr("core.runner.SCHEDULER_TIMEOUT", "1s")
    with pytest.raises(RunnerError, match="cannot reach the Dask scheduler"):
        run(spec, plan, [MemorySink()], executor="dask", scheduler="tcp://127.0.0.1:9")


def test_a_failed_run_leaves_no_files(tmp_path):
    spec = datasets.get("minicrm")
    plan = spec.plan(seed=1, scale=spec.tiny_scale, options={})

    class Failing(MemorySink):
        def write(self, batch):
            raise OSError("disk full")

    targets = [
        parse_target(f"parquet:{tmp_path}/pq", domain="minicrm"),
        parse_target(f"sql:{tmp_path}/x.sql", domain="minicrm"),
    ]
    with pytest.raises(OSError, match="disk full"):
        run(spec, plan, [*targets, Failing()])
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == []


def test_an_append_keeps_the_recorded_seed_and_records_itself(scratch_database):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    url, alias = scratch_database("dvdrental")
    call_command("seed_dvdrental", "--database-url", url, "--level", "1", "--seed", "7", stdout=StringIO())
    assert datasets.generation_info(using=alias)["seed"] == 7

    with pytest.raises(CommandError, match="made with --seed 7; an append continues under that seed"):
        call_command("seed_dvdrental", "--database-url", url, "--level", "2", "--seed", "8", stdout=StringIO())
    assert datasets.generation_info(using=alias)["run"] == 1  # nothing was changed

    call_command("seed_dvdrental", "--database-url", url, "--level", "2", "--seed", "7", stdout=StringIO())
    recorded = datasets.generation_info(using=alias)
    assert recorded["run"] == 2 and recorded["seed"] == 7 and recorded["options"]["level"] == 2
    assert recorded["rows"]["rental"] > 0


def test_a_seed_records_its_generation_in_its_database(scratch_database, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    url, alias = scratch_database("minicrm")
    call_command("seed_minicrm", "--database-url", url, "--scale", "0.1", "--seed", "3", stdout=StringIO())
    recorded = datasets.generation_info(using=alias)
    assert recorded["domain"] == "minicrm" and recorded["seed"] == 3 and recorded["scale"] == 0.1
    assert recorded["options"]["customers"] == 50  # --scale 0.1 of 500 customers
    assert set(recorded["digests"]) == {table.table for table in datasets.get("minicrm").contract()}
    call_command("seed_minicrm", "--database-url", url, "--reset", "--no-input", "--seed", "4", stdout=StringIO())
    assert datasets.generation_info(using=alias)["run"] == 1  # a reset forgets the generations it replaced


def test_scale_sets_the_domain_count_and_unsupported_options_are_one_line(scratch_database):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from cardportfolio.models import Customer

    url, alias = scratch_database("cardportfolio")
    call_command("seed_cardportfolio", "--database-url", url, "--scale", "0.002", "--months", "1", stdout=StringIO())
    assert Customer.objects.using(alias).count() == 100  # 50,000 x 0.002
    with pytest.raises(CommandError, match="--scale is not supported by the dvdrental seed yet"):
        call_command("seed_dvdrental", "--database-url", url, "--scale", "2", stdout=StringIO())
    with pytest.raises(CommandError, match="--workers is not supported by the hopify seed yet"):
        call_command("seed_hopify", "--database-url", url, "--workers", "2", stdout=StringIO())
    with pytest.raises(CommandError, match="--to is not supported by the churnlab seed yet"):
        call_command("seed_churnlab", "--no-db", "--to", "csv:x", stdout=StringIO())


def _stray_shard(plan, k):
    yield from datasets.get("minicrm").generate_shard(plan, k)
    yield TableBatch("no_such_table", {"id": np.arange(1, 3)})


def test_a_table_the_spec_does_not_list_stops_the_run_naming_it(tmp_path):
    spec = dataclasses.replace(datasets.get("minicrm"), generate_shard=_stray_shard)
    plan = spec.plan(seed=1, scale=spec.tiny_scale, options={})
    with pytest.raises(RunnerError, match="yielded table 'no_such_table', which its DatasetSpec.tables does not list"):
        run(spec, plan, [parse_target(f"csv:{tmp_path}", domain="minicrm")])
    assert not list(tmp_path.iterdir())  # nothing half-written
