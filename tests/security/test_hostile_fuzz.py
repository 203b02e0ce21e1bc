"""Generated junk fed to every file parser at the edge: dossier, procedure, officers and calendar
files, and document paths. Each either accepts the input or refuses it with the project's own
error, one defused line per problem; no other exception, no hang (issue 5)."""

from __future__ import annotations

import copy
import json
import math
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.calendars import load_calendar_changes
from support.catalogue import CatalogueError, load_officers, load_procedure
from support.document_checks import check_documents
from support.intake import IntakeError, read_dossier_file

SAMPLES = Path(__file__).resolve().parents[2] / "procedures"
PDF = b"%PDF-1.7\n%%EOF\n"
FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,  # nothing written into the working tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _sample(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((SAMPLES / name).read_text(encoding="utf-8"))
    return data


VALID: dict[str, dict[str, Any]] = {
    "dossier": {
        "procedure": "1.010733",
        "reference": "portal-1",
        "applicant": {
            "name": "Nguyễn Văn A",
            "id_number": "001099012345",
            "phone": "0912345678",
            "email": "a@example.vn",
            "address": "1 Tràng Tiền, Hà Nội",
        },
        "documents": [{"kind": "eia_report", "path": "report.pdf"}],
        "delivery": "online",
    },
    "procedure": _sample("eia-appraisal.yaml"),
    "officers": _sample("officers.yaml"),
    "calendar": {
        "days_off": [{"day": "2026-09-01", "name": "Nghỉ bù"}],
        "working_days": [{"day": "2026-08-22", "name": "Làm bù"}],
    },
}

# Text with the characters a hostile file would use: controls, bidi overrides, invisible ones,
# quotes and YAML indicators, Vietnamese letters (composed and not), and now and then a lot of it.
NASTY = st.sampled_from(
    list("\x00\x07\x08\x1b\x7f\x85\u2028\u202e\u2066\u200b\ufeff\U000e0041\t\n\r :#&*!|>'\"%@`")
    + ["ễ", "e\u0302\u0303", "../", "..", "/", "\\", "{{", "[[", "- ", "? ", "<<"]
)
TEXT = st.one_of(
    st.text(max_size=40),
    st.lists(NASTY | st.text(max_size=3), max_size=20).map("".join),
    st.integers(1, 120_000).map(lambda n: "x" * n),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    TEXT,
)
STRUCTURES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(TEXT, children, max_size=5),
    max_leaves=25,
)


def _deep(n: int, kind: str) -> str:
    return {"list": "[" * n + "]" * n, "map": "{a: " * n + "1" + "}" * n, "block": "- " * n}[kind]


def _dump(data: Any, as_json: bool) -> str:
    if as_json:
        return json.dumps(data, ensure_ascii=False, default=str)
    return yaml.safe_dump(data, allow_unicode=True)


@st.composite
def mutated(draw: st.DrawFn, valid: dict[str, Any]) -> str:
    """A valid file with one place broken: a value replaced, a key added or removed."""
    data = copy.deepcopy(valid)
    parent: Any = data
    while True:
        keys = list(parent) if isinstance(parent, dict) else list(range(len(parent)))
        if not keys:
            break
        key = draw(st.sampled_from(keys))
        child = parent[key]
        if not isinstance(child, dict | list) or draw(st.booleans()):
            break
        parent = child
    if not keys:
        return _dump(data, draw(st.booleans()))
    action = draw(st.sampled_from(["replace", "add", "remove"]))
    if action == "replace":
        parent[key] = draw(STRUCTURES)
    elif action == "add" and isinstance(parent, dict):
        parent[draw(TEXT)] = draw(STRUCTURES)
    elif isinstance(parent, dict):
        del parent[key]
    else:
        parent.append(draw(STRUCTURES))
    return _dump(data, draw(st.booleans()))


def junk(kind: str) -> st.SearchStrategy[str | bytes]:
    valid = VALID[kind]
    return st.one_of(
        st.binary(max_size=2000),
        st.builds(_dump, STRUCTURES, st.booleans()),
        mutated(valid),
        st.builds(_deep, st.integers(1, 4000), st.sampled_from(["list", "map", "block"])),
        st.lists(NASTY | TEXT, max_size=30).map("".join),
        st.builds(lambda text, cut: text[:cut], st.just(_dump(valid, False)), st.integers(0, 400)),
    )


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        path = Path(name)
        (path / "report.pdf").write_bytes(PDF)
        yield path


def _write(path: Path, content: str | bytes) -> None:
    if isinstance(content, str):
        content = content.encode("utf-8", "surrogatepass")
    path.write_bytes(content)


def assert_clean(error: Exception, path: Path | None) -> None:
    """A refusal a person can read: each line names the file, nothing raw, nothing huge."""
    lines = str(error).split("\n")
    assert lines and all(lines), repr(error)
    for line in lines:
        if path is not None:
            assert line.startswith(f"{path}: "), line
        assert len(line) < 3000, f"{len(line)} characters: {line[:200]}"
        assert not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in line), repr(line)
        assert not any(c in line for c in "\u202e\u2066\u2028\u200b\ufeff"), repr(line)


def _fuzz(load: Callable[[Path], Any], error: type[Exception], path: Path, content: Any) -> None:
    _write(path, content)
    try:
        load(path)
    except error as exc:
        assert_clean(exc, path)


@FUZZ
@given(content=junk("dossier"))
def test_dossier_file_loader_refuses_junk_cleanly(folder: Path, content: str | bytes) -> None:
    _fuzz(read_dossier_file, IntakeError, folder / "dossier.yaml", content)


@FUZZ
@given(content=junk("procedure"))
def test_procedure_file_loader_refuses_junk_cleanly(folder: Path, content: str | bytes) -> None:
    _fuzz(load_procedure, CatalogueError, folder / "procedure.yaml", content)


@FUZZ
@given(content=junk("officers"))
def test_officers_file_loader_refuses_junk_cleanly(folder: Path, content: str | bytes) -> None:
    _fuzz(load_officers, CatalogueError, folder / "officers.yaml", content)


@FUZZ
@given(content=junk("calendar"))
def test_calendar_file_loader_refuses_junk_cleanly(folder: Path, content: str | bytes) -> None:
    _fuzz(load_calendar_changes, CatalogueError, folder / "calendar.yaml", content)


@FUZZ
@given(kind=st.one_of(st.just("eia_report"), TEXT), raw=st.one_of(TEXT, st.just("report.pdf")))
def test_document_paths_and_kinds_are_refused_cleanly(folder: Path, kind: str, raw: str) -> None:
    try:
        (checked,) = check_documents([(kind, raw)], folder, None, 10**6, "--doc")
    except IntakeError as exc:
        assert_clean(exc, None)
        assert str(exc).startswith("--doc: ")
    else:
        assert checked.path.parent == folder.resolve() and checked.format == "pdf"


def test_the_generators_reach_past_the_yaml_parser(folder: Path) -> None:
    """The fuzzing is worth something only if junk gets as far as the field checks."""
    path = folder / "procedure.yaml"
    broken = copy.deepcopy(VALID["procedure"])
    broken["working_days"] = math.inf
    _write(path, _dump(broken, False))
    with pytest.raises(CatalogueError, match="field 'working_days'"):
        load_procedure(path)
