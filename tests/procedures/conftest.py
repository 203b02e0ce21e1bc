"""A fresh catalogue database per test, and procedure files written from a valid base."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlmodel import Session

from activities.database import create_schema, make_engine

SAMPLES = Path(__file__).resolve().parents[2] / "procedures"

BASE: dict[str, Any] = yaml.safe_load((SAMPLES / "eia-appraisal.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    engine = make_engine(database_url)
    create_schema(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


@pytest.fixture
def base() -> dict[str, Any]:
    """A deep copy of the EIA sample procedure, to break in one place."""
    return copy.deepcopy(BASE)


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Writes a procedure mapping (or raw text) to a YAML file in the test's folder."""

    def write(content: dict[str, Any] | str, name: str = "procedure.yaml") -> Path:
        path = tmp_path / name
        text = content if isinstance(content, str) else yaml.safe_dump(content, allow_unicode=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write
