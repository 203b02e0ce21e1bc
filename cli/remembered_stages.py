"""The stages the officer's last worklist showed, remembered on the officer's machine between
commands: `hoso act` signs for the stage the worklist showed without asking the API again, as an
officer acting from their worklist would. The dossier still checks every action: one that has
left that stage answers 409 `stage-moved-on` with where it is now, and the CLI signs once more
for it (cli/dossiers.py). What is kept is a dossier code and a stage id per line of the
worklist, for a working day, in a file of the officer's token, readable by its owner only."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from config import Settings

KEPT_FOR = timedelta(hours=12)
MOST = 2000  # entries, the newest kept


def cache_folder(settings: Settings) -> Path:
    if settings.cli_cache_dir is not None:
        return settings.cli_cache_dir
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "hoso"


class RememberedStages:
    def __init__(self, folder: Path, token_id: str) -> None:
        self.path = folder / f"stages-{token_id}.json"

    def _read(self, now: datetime) -> dict[str, tuple[str, datetime]]:
        """The entries still fresh; a missing or unreadable file remembers nothing."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            entries = {
                str(code): (str(stage), datetime.fromisoformat(str(at)))
                for code, (stage, at) in raw.items()
            }
        except (OSError, ValueError, TypeError, AttributeError):
            return {}
        return {code: entry for code, entry in entries.items() if now - entry[1] < KEPT_FOR}

    def _write(self, entries: dict[str, tuple[str, datetime]]) -> None:
        newest = sorted(entries.items(), key=lambda item: item[1][1], reverse=True)[:MOST]
        text = json.dumps({code: [stage, at.isoformat()] for code, (stage, at) in newest})
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".stages-")
        except OSError:  # a cache: a folder it cannot write costs a request, nothing more
            return
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:  # mkstemp: mode 0600
                out.write(text)
            os.replace(temporary, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary)

    def remember(self, shown: Iterable[tuple[str, str]], *, now: datetime | None = None) -> None:
        """The (code, stage) pairs a worklist just showed."""
        now = now or datetime.now(UTC)
        entries = self._read(now)
        entries.update({code: (stage, now) for code, stage in shown})
        self._write(entries)

    def stage(self, code: str, *, now: datetime | None = None) -> str | None:
        entry = self._read(now or datetime.now(UTC)).get(code)
        return entry[0] if entry else None

    def forget(self, code: str) -> None:
        """After an action: the dossier has left the stage the worklist showed."""
        now = datetime.now(UTC)
        entries = self._read(now)
        if entries.pop(code, None) is not None:
            self._write(entries)
