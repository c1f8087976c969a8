"""The bad-input matrix: every command, every validated option, and hand-written bad files, as a careless or hostile
user would type them. Each case must end in a one-line CommandError (exit status non-zero on the command line), no
traceback, no silent accept, within 60 s.

Generated cases come from each command's declared options: every option whose `type=` is a `core.options`
validator replays that validator's `bad_values()`; every option with `choices=` gets values outside them. Hand-written
cases cover input files (not UTF-8, nested thousands deep, infinite numbers, 30-digit ids, folders instead of files,
corrupt Parquet) and options that are only wrong together. Cases run in-process through `call_command`; only
environment variables and start-up need a subprocess.

The matrix runs once per CI run, on SQLite: it checks the commands' edge, which is the same on every backend.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command, load_command_class

from core.options import SEED_MAX, Choice, Date, Integer, Number, OptionError, Seed, Validator, seed_value

ROOT = Path(__file__).resolve().parents[2]
CASE_SECONDS = 60


def _server_domains() -> list[str]:
    return [alias for alias in settings.DOMAIN_APPS if not settings.DATABASES[alias]["ENGINE"].endswith("sqlite3")]


pytestmark = pytest.mark.skipif(
    bool(_server_domains()),
    reason="the bad-input matrix runs once per CI run, in the SQLite job (a domain database here is on a server)",
)

# Command -> the app holding it.
COMMANDS = {
    "seed_minicrm": "minicrm",
    "calculate_rfm": "minicrm",
    "seed_dvdrental": "dvdrental",
    "seed_hopify": "hopify",
    "load_benchmarks": "hopify",
    "seed_cardportfolio": "cardportfolio",
    "validate_cardportfolio": "cardportfolio",
    "seed_churnlab": "churnlab",
    "run_churn_pipeline": "churnlab",
    "evaluate_churn": "churnlab",
    "export_dataset": "core",
}


def base_args(command: str, scratch: Path) -> list[str]:
    """A valid, tiny command line pointing every output at `scratch`: a case appends its bad value after it (the
    last occurrence of an option wins), so a value wrongly accepted still writes nothing outside the scratch
    folder and finishes quickly."""
    db = ["--database-url", f"sqlite:///{scratch / (command + '.sqlite3')}"]
    return {
        "seed_minicrm": [*db, "--customers", "10"],
        "calculate_rfm": db,
        "seed_dvdrental": [*db, "--level", "1", "--weeks", "1"],
        "seed_hopify": [*db, "--scale", "0.001"],
        "load_benchmarks": [*db],
        "seed_cardportfolio": [
            *db,
            *("--count", "10", "--months", "1", "--output", str(scratch / "c.csv")),
            *("--parquet", str(scratch / "t.parquet")),
        ],
        "validate_cardportfolio": db,
        "seed_churnlab": [*db, "--customers", "10", "--out", str(scratch / "raw")],
        "run_churn_pipeline": [*db, "--raw", str(scratch / "no-raw"), "--out", str(scratch / "pipeline")],
        "evaluate_churn": ["--truth", str(scratch / "none-truth")],
        "export_dataset": ["minicrm", *db, "--out", str(scratch / "export")],
    }[command]


@dataclass
class Case:
    command: str
    args: list[str]
    label: str
    expect: str = ""  # a fragment the one-line message must contain
    env: dict = field(default_factory=dict)


def generated_cases(scratch: Path) -> list[Case]:
    cases = []
    for command, app in COMMANDS.items():
        parser = load_command_class(app, command).create_parser("manage.py", command)
        base = base_args(command, scratch)
        for action in parser._actions:
            if isinstance(action.type, Validator):
                values = list(dict.fromkeys(action.type.bad_values()))
            elif action.choices and not action.option_strings:
                values = ["nope", "", "MINICRM"]
            elif action.choices:
                values = ["nope", "", "99"]
            else:
                continue
            for value in values:
                if action.option_strings:
                    option = max(action.option_strings, key=len)
                    # --opt=VALUE: argparse would take "-1e308" after a space for another option
                    args, label = [*base, f"{option}={value}"], f"{option} {value[:20]!r}"
                else:  # a positional argument: the bad value takes its place
                    args = [value, *base[1:]] if command == "export_dataset" else [value, *base]
                    label = f"<{action.dest}> {value[:20]!r}"
                cases.append(Case(command, args, label))
    return cases


def write(path: Path, content: str | bytes) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return str(path)


BENCHMARK_HEADER = "benchmark_id,metric_category,segment,metric_name,target_value,description,target_period\n"
GOOD_BENCHMARK = "1,growth,SMB,MRR growth,0.05,monthly MRR growth,monthly\n"


def file_cases(scratch: Path) -> list[Case]:
    """Hand-written bad files and options that are only wrong together."""
    files = scratch / "files"
    cases = []
    seed_dvd = base_args("seed_dvdrental", scratch)
    nested = '{"simulation": ' * 5000 + "1" + "}" * 5000
    configs = {
        "not UTF-8": b'{"simulation": {"stores": 2}}\xff\xfe',
        "nested thousands deep": nested,
        "an infinite number": '{"generation": {"lost_rental_probability": Infinity}}',
        "NaN": '{"generation": {"lost_rental_probability": NaN}}',
        "1e400": '{"generation": {"lost_rental_probability": 1e400}}',
        "a 30-digit integer": '{"simulation": {"stores": 100000000000000000000000000000}}',
        "a start in year 9999": '{"simulation": {"start_date": "9999-01-01"}}',
        "a start in year 1": '{"simulation": {"start_date": "0001-01-01"}}',
        "a start near the range's end": '{"simulation": {"start_date": "2199-06-01"}}',
        "an impossible date": '{"simulation": {"start_date": "2005-02-30"}}',
        "an unknown key": '{"simulation": {"stores": 2, "colour": "red"}}',
        "an unknown top-level key": '{"nonsense": 1}',
        "a wrong type": '{"simulation": {"stores": "two"}}',
        "zero stores": '{"simulation": {"stores": 0}}',
        "a list instead of an object": "[1, 2, 3]",
        "broken JSON": '{"simulation": ',
        "an empty file": "",
        "a churn rate of 1": '{"generation": {"customer_segments": {"standard": {"churn_rate": 1.0}}}}',
    }
    impossible = {  # key path -> a value outside its declared range
        "generation.lost_rental_probability": -0.2,
        "generation.home_store_probability": 1.5,
        "generation.initial_customers": -5,
        "generation.advanced_features.late_fees.daily_rate": -1.5,
        "generation.advanced_features.inventory_status.repair_days": [14, 3],
        "generation.advanced_features.late_fees.payment_delay_days": [180, 1],
        "generation.advanced_features.inventory_status.damage_probability": 2,
        "simulation.clerks_per_store": 0,
        "generation.business_lifecycle.growth_phase_weeks": -104,
        "generation.films_count": 10**9,
        "generation.weekday_weights": [1, 1, 1],
        "generation.monthly_seasonality": [-100] * 12,
        "inventory_purchasing.restock_by_phase.growth.every_weeks": 0,
        "generation.reactivation.reactivation_probability": -0.1,
    }
    for key, value in impossible.items():
        tree = node = {}
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
        configs[f"{key} = {value}"] = json.dumps(tree)
    segments = {"a": {"percentage": 0.2, "churn_rate": 0.1, "activity": 1.0, "lifetime_weeks": 10}}
    configs["segment shares summing to 0.2"] = json.dumps(
        {
            "generation": {
                "customer_segments": segments,
                "advanced_features": {"customer_behavior": {"max_simultaneous_rentals": {"a": 2}}},
            }
        }
    )
    segments = {"a": {"percentage": 1.0, "churn_rate": 0.1, "activity": -1.0, "lifetime_weeks": 10}}
    configs["a negative activity"] = json.dumps(
        {
            "generation": {
                "customer_segments": segments,
                "advanced_features": {"customer_behavior": {"max_simultaneous_rentals": {"a": 2}}},
            }
        }
    )
    for label, content in configs.items():
        path = write(files / f"config-{len(cases)}.json", content)
        weeks = ["--weeks", "100"] if "range's end" in label else []
        cases.append(Case("seed_dvdrental", [*seed_dvd, *weeks, "--config", path], f"--config with {label}"))
    cases.append(Case("seed_dvdrental", [*seed_dvd, "--config", str(files)], "--config naming a folder", "folder"))

    seed_hop = base_args("seed_hopify", scratch)
    load = base_args("load_benchmarks", scratch)
    benchmarks = {
        "a 30-digit id": BENCHMARK_HEADER + "1" * 30 + ",growth,SMB,MRR growth,0.05,x,monthly\n",
        "a bad header": "id,category\n1,growth\n",
        "no rows": BENCHMARK_HEADER,
        "an empty file": "",
        "not UTF-8": (BENCHMARK_HEADER + GOOD_BENCHMARK).encode() + b"\xff\xfe\n",
        "an unknown segment": BENCHMARK_HEADER + "1,growth,Galactic,MRR growth,0.05,x,monthly\n",
        "an infinite target": BENCHMARK_HEADER + "1,growth,SMB,MRR growth,inf,x,monthly\n",
        "a NaN target": BENCHMARK_HEADER + "1,growth,SMB,MRR growth,nan,x,monthly\n",
        "a text target": BENCHMARK_HEADER + "1,growth,SMB,MRR growth,lots,x,monthly\n",
        "an unknown period": BENCHMARK_HEADER + "1,growth,SMB,MRR growth,0.05,x,hourly\n",
        "a repeated id": BENCHMARK_HEADER + GOOD_BENCHMARK + "1,growth,SMB,Churn,0.05,x,monthly\n",
        "a negative id": BENCHMARK_HEADER + "-4,growth,SMB,MRR growth,0.05,x,monthly\n",
        "too few columns": BENCHMARK_HEADER + "1,growth,SMB\n",
    }
    for label, content in benchmarks.items():
        path = write(files / f"benchmarks-{len(cases)}.csv", content)
        cases.append(Case("seed_hopify", [*seed_hop, "--benchmarks", path], f"--benchmarks with {label}"))
        cases.append(Case("load_benchmarks", [path, *load], f"load_benchmarks with {label}"))
    cases.append(Case("load_benchmarks", [str(files), *load], "load_benchmarks on a folder", "folder"))

    validate = base_args("validate_cardportfolio", scratch)
    csvs = {
        "header only": "customer_id,first_name\n",
        "binary garbage": b"\x00\x01\x02\xff\xfe" * 100,
        "missing columns": "a,b,c\n1,2,3\n",
        "an empty file": "",
    }
    for label, content in csvs.items():
        path = write(files / f"customers-{len(cases)}.csv", content)
        cases.append(Case("validate_cardportfolio", [*validate, "--file", path], f"--file with {label}"))
    cases.append(Case("validate_cardportfolio", [*validate, "--file", str(files)], "--file naming a folder", "folder"))

    card = base_args("seed_cardportfolio", scratch)
    same = str(scratch / "same.out")
    cases += [
        Case("seed_cardportfolio", [*card, "--output", same, "--parquet", same], "--output = --parquet", "same file"),
        Case(
            "seed_cardportfolio",
            [*card, "--as-of", "1901-01-01"],
            "--as-of leaving no room for the account history",
            "start before",
        ),
    ]
    cases.append(
        Case(
            "seed_minicrm",
            [*base_args("seed_minicrm", scratch), "--end-date", "1900-06-01", "--days", "1000"],
            "a window starting before 1900",
            "start before",
        )
    )
    cases.append(
        Case(
            "seed_churnlab",
            [*base_args("seed_churnlab", scratch), "--end-date", "1900-12-31"],
            "a churnlab window starting before 1900",
            "start before",
        )
    )
    cases.append(
        Case(
            "seed_churnlab",
            [*base_args("seed_churnlab", scratch), "--no-db", "--database-url", "ftp://x/y"],
            "--database-url ftp:// beside --no-db",
            "unsupported scheme",
        )
    )

    # The dataset-protocol options every seed command shares (their validators live beside the runner).
    protocol = {
        "--scale": ["0", "-1", "nan", "inf", "abc", "1e308", ""],
        "--workers": ["0", "-1", "abc", "1.5", "100000", ""],
        "--to": ["ftp://x/y", "nosuch:x", "parquet:", "sql:x?dialect=oracle", ""],
    }
    for command, app in COMMANDS.items():
        parser = load_command_class(app, command).create_parser("manage.py", command)
        declared = {option for action in parser._actions for option in action.option_strings}
        for option, values in protocol.items():
            if option in declared:
                cases += [Case(command, [*base_args(command, scratch), f"{option}={value}"], f"{option} {value!r}")
                          for value in values]  # fmt: skip

    evaluate = [*base_args("evaluate_churn", scratch), "--target", "recency"]
    not_parquet = write(files / "features.parquet", "customer_id,churn_label\n1,0\n")
    cases.append(Case("evaluate_churn", [*evaluate, "--features", not_parquet], "--features not Parquet", "Parquet"))
    cases.append(Case("evaluate_churn", [*evaluate, "--features", str(files)], "--features a folder", "folder"))
    wrong = files / "wrong.parquet"
    import pandas as pd

    pd.DataFrame({"customer_id": [1, 2], "score": [0.1, 0.2]}).to_parquet(wrong)
    cases.append(Case("evaluate_churn", [*evaluate, "--features", str(wrong)], "--features without churn_label"))
    forward = [*base_args("evaluate_churn", scratch), "--target", "forward"]
    cases.append(Case("evaluate_churn", [*forward, "--training", not_parquet], "--training not Parquet"))
    cases.append(Case("evaluate_churn", [*forward, "--training", str(files)], "--training a folder", "folder"))
    cases.append(Case("evaluate_churn", [*forward, "--training", str(wrong)], "--training without its columns"))

    raw = scratch / "corrupt-raw"
    for name in ("customers", "usage_daily", "billing", "support_tickets"):
        write(raw / f"{name}.parquet", b"PAR1 not really parquet PAR1")
    pipeline = base_args("run_churn_pipeline", scratch)
    cases.append(Case("run_churn_pipeline", [*pipeline, "--raw", str(raw)], "--raw with corrupt Parquet"))
    cases.append(Case("run_churn_pipeline", [*pipeline, "--raw", not_parquet], "--raw naming a file", "does not exist"))
    return cases


def run_case(case: Case) -> str | None:
    """None when the case ended as it must; otherwise what went wrong."""
    out, err = StringIO(), StringIO()

    def too_slow(signum, frame):
        raise TimeoutError(f"still running after {CASE_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(CASE_SECONDS)
    try:
        call_command(case.command, *case.args, stdout=out, stderr=err)
    except CommandError as exc:
        message = str(exc).strip()
        if not message or "\n" in message:
            return f"not a one-line message: {message!r}"
        if "Traceback" in message or "Traceback" in err.getvalue():
            return f"traceback: {message}"
        if case.expect and case.expect not in message:
            return f"message lacks {case.expect!r}: {message}"
        if os.environ.get("BAD_INPUTS_SHOW"):
            print(f"{case.command} {case.label}: {message}", file=sys.__stderr__)
        return None
    except BaseException as exc:  # anything else is a traceback on the command line
        return f"{type(exc).__name__}: {str(exc)[:200]}"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return "accepted silently (exit 0)"


def test_bad_input_matrix(tmp_path, django_db_blocker, capsys):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    cases = generated_cases(scratch) + file_cases(scratch)
    failures, slowest = [], (0.0, "")
    with django_db_blocker.unblock():
        for case in cases:
            started = time.perf_counter()
            problem = run_case(case)
            seconds = time.perf_counter() - started
            slowest = max(slowest, (seconds, f"{case.command} {case.label}"))
            if problem:
                failures.append(f"{case.command} {case.label}: {problem}")
    with capsys.disabled():
        print(f"\nbad-input matrix: {len(cases)} cases, {len(failures)} failed; slowest {slowest[0]:.1f} s", end="")
        print(f" ({slowest[1]})")
    assert len(cases) >= 300
    assert not failures, "\n".join(failures)
    assert not (ROOT / "data" / "c.csv").exists()


@pytest.fixture
def seeded_minicrm(tmp_path, django_db_blocker):
    url = f"sqlite:///{tmp_path / 'minicrm.sqlite3'}"
    with django_db_blocker.unblock():
        call_command("seed_minicrm", "--database-url", url, "--customers", "20", stdout=StringIO())
        yield url


def test_rfm_as_of_before_every_order_refuses_instead_of_wiping(seeded_minicrm, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("calculate_rfm", "--database-url", seeded_minicrm, stdout=StringIO())
        from core.databases import domain_database
        from minicrm.models import RFMScore

        alias = domain_database("minicrm", database_url=seeded_minicrm)
        scored = RFMScore.objects.using(alias).count()
        assert scored > 0
        with pytest.raises(CommandError, match="is not after the first order .*nothing was changed"):
            call_command("calculate_rfm", "--database-url", seeded_minicrm, "--as-of", "1990-01-01")
        assert RFMScore.objects.using(alias).count() == scored


def test_reset_without_no_input_off_a_terminal_refuses_when_debug_is_off(seeded_minicrm, django_db_blocker):
    assert not settings.DEBUG
    with django_db_blocker.unblock(), pytest.raises(CommandError, match="add --no-input to confirm"):
        call_command("seed_minicrm", "--database-url", seeded_minicrm, "--customers", "10", "--reset")


# Validators on their own: the ranges they promise, and the hashed big seeds.


def test_big_seeds_are_hashed_into_the_seed_space_deterministically():
    big = 10**30
    assert 0 <= seed_value(big) <= SEED_MAX
    assert seed_value(big) == seed_value(big) != seed_value(big + 1)
    assert seed_value(SEED_MAX) == SEED_MAX and seed_value(0) == 0
    assert Seed()(str(big)) == seed_value(big)
    with pytest.raises(OptionError):
        seed_value(-1)


@pytest.mark.parametrize(
    ("validator", "good"),
    [
        (Integer(1, 10), ["1", "10", " 5 "]),
        (Number(0.05, 0.95, open_=True), ["0.06", "0.5", "9.4e-1"]),
        (Date(), ["1900-01-01", "2199-12-31", "2024-02-29"]),
        (Choice((1, 2, 3, 4)), ["1", "4"]),
    ],
)
def test_validators_accept_their_whole_range_and_refuse_their_bad_values(validator, good):
    for value in good:
        validator(value)
    for value in validator.bad_values():
        with pytest.raises(Exception) as info:
            validator(value)
        assert info.type.__name__ == "ArgumentTypeError"
        assert "\n" not in str(info.value)


def test_every_validated_option_states_its_range_in_help():
    for command, app in COMMANDS.items():
        parser = load_command_class(app, command).create_parser("manage.py", command)
        for action in parser._actions:
            if isinstance(action.type, Validator):
                assert "Allowed:" in (action.help or ""), f"{command} {action.option_strings}"


# Environment and start-up: these need a process of their own.


def run_manage(*args, env=None, timeout=120):
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", **(env or {})}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [("MINICRM_DATABASE_URL", "garbage"), ("MINICRM_DATABASE_URL", "ftp://x/y"), ("DATABASE_URL", "postgres://h:1x/")],
)
def test_a_malformed_database_url_is_one_line_naming_the_variable(variable, value):
    result = run_manage("calculate_rfm", env={variable: value})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and variable in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_a_malformed_database_url_is_a_system_check_error():
    result = run_manage("check", env={"HOPIFY_DATABASE_URL": "garbage"})
    assert result.returncode != 0
    assert "core.E003" in result.stderr and "HOPIFY_DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_ctrl_c_during_start_up_is_one_line_and_exit_130(tmp_path):
    (tmp_path / "interrupting_settings.py").write_text("raise KeyboardInterrupt\n")
    env = {"PYTHONPATH": str(tmp_path), "DJANGO_SETTINGS_MODULE": "interrupting_settings"}
    result = run_manage("seed_minicrm", env=env)
    assert result.returncode == 130
    assert result.stderr.strip() == "seed_minicrm: interrupted during start-up: nothing was started"


def test_an_unwritable_sqlite_folder_is_one_line(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = run_manage("seed_minicrm", "--customers", "5", env={"MINICRM_DATABASE_URL": f"sqlite:///{blocker}/x.db"})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(blocker) in lines[0], result.stderr


def test_help_json_config_example_is_valid():
    """The shipped presets parse with the same reader users' files go through."""
    from dvdrental.generation.config import read_config_file, shipped_config_path

    for level in (1, 2, 3, 4):
        assert read_config_file(str(shipped_config_path(level))) == json.loads(shipped_config_path(level).read_text())


def test_the_pipeline_refuses_raw_files_of_another_generation(tmp_path, django_db_blocker):
    url = f"sqlite:///{tmp_path / 'churnlab.sqlite3'}"
    mine, other = tmp_path / "raw", tmp_path / "other" / "raw"
    with django_db_blocker.unblock():
        call_command(
            "seed_churnlab", "--database-url", url, "--customers", "200", "--out", str(mine), stdout=StringIO()
        )
        call_command(
            "seed_churnlab", "--no-db", "--customers", "200", "--seed", "9", "--out", str(other), stdout=StringIO()
        )
        with pytest.raises(CommandError, match="from another seed_churnlab run"):
            call_command("run_churn_pipeline", "--database-url", url, "--raw", str(other), "--out", str(tmp_path / "a"))
        call_command(
            "run_churn_pipeline",
            "--database-url",
            url,
            "--raw",
            str(mine),
            "--out",
            str(tmp_path / "b"),
            stdout=StringIO(),
        )


def test_a_header_only_customers_csv_is_not_valid(tmp_path, django_db_blocker):
    from cardportfolio.customer_generator import CUSTOMER_COLUMNS

    path = tmp_path / "customers.csv"
    path.write_text(",".join(CUSTOMER_COLUMNS) + "\n")
    with pytest.raises(CommandError, match="holds no customers"):
        call_command("validate_cardportfolio", "--file", str(path), stdout=StringIO())
