"""Files that belong to a database transaction: written under temporary names, moved into place after the commit.

A seed that writes files beside its database (cardportfolio's CSV and Parquet, churnlab's raw Parquet) must never
leave them disagreeing with it. Each file is written to a temporary name in its own folder
(`.<name>.<pid>.synthbiz-tmp`) and renamed over the old file (an atomic `os.replace`) only once the database
transaction has committed. So:

- a failed or interrupted run (before the commit) removes its temporaries and leaves the old files;
- Ctrl-C after the commit still moves the new files into place, because the database already holds the new data;
- a run killed outright (SIGKILL, power loss) leaves temporaries; the next run writing the same file removes the
  ones it recognises (its own naming, from a process that is no longer running) before it starts.

`StagedFiles` does the bookkeeping; `files_beside(using)` ties it to the loader's commits on a database alias.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

TEMP_SUFFIX = ".synthbiz-tmp"
# Names earlier versions used for their temporaries (no pid): always stale once a new run holds the seed lock.
LEGACY_PATTERNS = ("{name}.partial", ".{name}.partial")
_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)" + re.escape(TEMP_SUFFIX) + "$")


def temporary_path(final: str | Path) -> Path:
    """The temporary name this process writes `final` under (same folder, so the rename is atomic)."""
    final = Path(final)
    return final.with_name(f".{final.name}.{os.getpid()}{TEMP_SUFFIX}")


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def remove_stale_temporaries(final: str | Path) -> list[Path]:
    """Delete the temporaries of `final` left by runs that died (their pid is gone); returns what was removed."""
    final = Path(final)
    folder = final.parent
    removed = []
    if not folder.is_dir():
        return removed
    candidates = [folder / pattern.format(name=final.name) for pattern in LEGACY_PATTERNS]
    for entry in folder.glob(f".{glob_escape(final.name)}.*{TEMP_SUFFIX}"):
        match = _TEMP.match(entry.name)
        if match and match["name"] == final.name and not _running(int(match["pid"])):
            candidates.append(entry)
    for candidate in candidates:
        if candidate.is_file():
            with contextlib.suppress(FileNotFoundError):
                candidate.unlink()
                removed.append(candidate)
    return removed


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def move_into_place(temporary: Path, final: Path) -> None:
    """Rename `temporary` over `final` and make the rename durable (the folder's entry is flushed too)."""
    with contextlib.suppress(OSError), open(temporary, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, final)
    with contextlib.suppress(OSError):
        descriptor = os.open(final.parent, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


class StagedFiles:
    """Files written under temporary names; `commit()` moves them all into place, `abort()` removes them."""

    def __init__(self):
        self._staged: dict[Path, Path] = {}
        self._closers: list[Callable[[], None]] = []
        self.committed = False

    def path(self, final: str | Path, *, close: Callable[[], None] | None = None) -> Path:
        """The temporary path to write `final` to (stale temporaries of `final` removed, folders created).

        `close` (e.g. a Parquet writer's `close`) runs before the move, so the file is complete when it appears.
        """
        final = Path(final)
        final.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(final)
        temporary = temporary_path(final)
        self._staged[final] = temporary
        if close is not None:
            self._closers.append(close)
        return temporary

    def finals(self) -> list[Path]:
        return list(self._staged)

    def _close(self) -> None:
        closers, self._closers = self._closers, []
        for close in closers:
            close()

    def commit(self) -> None:
        self._close()
        for final, temporary in self._staged.items():
            if temporary.exists():
                move_into_place(temporary, final)
        self.committed = True

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self._close()
        for temporary in self._staged.values():
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()


@contextlib.contextmanager
def files_beside(using: str | None) -> Iterator[StagedFiles]:
    """Stage files for the database work done on `using` inside the block (None: files only).

    On success the files are moved into place. On an exception (Ctrl-C included) they are removed, unless the
    database has already committed the block's load (the loader's commit count moved on): then the files follow
    the database and are moved into place before the exception goes on.
    """
    from core.loader import commit_count

    staged = StagedFiles()
    before = commit_count(using) if using else 0
    try:
        yield staged
    except BaseException:
        if using is not None and commit_count(using) > before and not staged.committed:
            staged.commit()
        else:
            staged.abort()
        raise
    if not staged.committed:
        staged.commit()
