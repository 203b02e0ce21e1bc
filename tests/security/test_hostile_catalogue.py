"""Hostile procedure, officers and calendar files: refused with one line per problem naming the
file, the item and the field; a publication with one bad file writes nothing (issue 5)."""

from __future__ import annotations

import copy
import os
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlmodel import Session, select

from activities.database import create_schema, make_engine
from models.tables import OfficerRecord, ProcedureRecord
from support.calendars import load_calendar_changes
from support.catalogue import CatalogueError, load_officers, load_procedure, publish_paths

SAMPLES = Path(__file__).resolve().parents[2] / "procedures"
EIA: dict[str, Any] = yaml.safe_load((SAMPLES / "eia-appraisal.yaml").read_text(encoding="utf-8"))
OFFICER = {"id": "a.one", "name": "Nguyễn An", "role": "specialist", "unit": "u", "agency": "g"}


@pytest.fixture
def base() -> dict[str, Any]:
    return copy.deepcopy(EIA)


def write(folder: Path, content: dict[str, Any] | str, name: str = "procedure.yaml") -> Path:
    path = folder / name
    text = content if isinstance(content, str) else yaml.safe_dump(content, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems(load: Any, path: Path) -> list[str]:
    with pytest.raises(CatalogueError) as caught:
        load(path)
    for line in caught.value.problems:
        assert line.startswith(f"{path}: "), line
        assert "\n" not in line and "\x1b" not in line, line
    return caught.value.problems


def test_a_format_whose_content_hoso_cannot_check_is_refused(base, tmp_path) -> None:
    base["documents"][2]["formats"] = ["pdf", "txt"]
    path = write(tmp_path, base)
    assert problems(load_procedure, path) == [
        f"{path}: document #3, field 'formats[1]': unknown document format 'txt' (hoso checks "
        "the content of: pdf, png, jpg, gif, tif, tiff, docx, xlsx, pptx, odt, ods, odp, doc, xls, "
        "ppt, dwg, zip)"
    ]


@pytest.mark.parametrize(
    ("where", "value", "expected"),
    [
        (("name",), "Thẩm định\x1b[2J", "field 'name': contains a control character (U+001B)"),
        (("name",), "x" * 100_000, "field 'name': String should have at most 500 characters"),
        (("name",), "\u202eđịnh thẩm", "field 'name': contains a bidirectional control character"),
        (("documents", 0, "name"), "Báo cáo\x00", "document #1, field 'name': contains a control"),
        (("legal_basis",), "Luật\x07", "field 'legal_basis': contains a control character"),
        (("legal_basis",), "L" * 100_000, "field 'legal_basis': String should have at most 1000"),
        (("chain", 0, "id"), "a\x1b", "stage 'a\\x1b', field 'id': 'a\\x1b' is not valid"),
        (("chain", 2, "kind"), "x\x1b" * 1000, "field 'kind': unknown stage kind 'x\\x1bx\\x1b"),
    ],
)
def test_hostile_text_in_a_procedure_is_refused(
    base: dict[str, Any], tmp_path: Path, where: tuple[Any, ...], value: str, expected: str
) -> None:
    target = base
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    path = write(tmp_path, base)
    lines = problems(load_procedure, path)
    assert any(expected in line for line in lines), lines
    assert all(len(line) < len(str(path)) + 300 for line in lines), "a value was echoed in full"


def test_long_lists_in_a_procedure_are_refused(base: dict[str, Any], tmp_path: Path) -> None:
    base["documents"] = [
        {"kind": f"k{i}", "name": "Giấy tờ", "formats": ["pdf"]} for i in range(51)
    ]
    base["chain"][2]["agencies"] = [f"agency-{i}" for i in range(31)]
    lines = problems(load_procedure, write(tmp_path, base))
    assert any("field 'documents': List should have at most 50 items" in line for line in lines)
    assert any("field 'agencies': List should have at most 30 items" in line for line in lines)


def test_a_procedure_name_is_normalised(base: dict[str, Any], tmp_path: Path) -> None:
    base["name"] = unicodedata.normalize("NFD", EIA["name"])
    assert load_procedure(write(tmp_path, base)).name == EIA["name"]


def test_duplicate_keys_in_a_procedure_are_refused(tmp_path: Path) -> None:
    text = (SAMPLES / "eia-appraisal.yaml").read_text(encoding="utf-8")
    path = write(tmp_path, text + "working_days: 300\n")
    (line,) = problems(load_procedure, path)
    assert "duplicate key 'working_days'" in line and "at line" in line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("base: &b {kind: review}\nchain: [*b, *b]\n", "aliases (*name) are not allowed"),
        ("a: " + "{b: " * 40 + "1" + "}" * 40, "nested more than 20 levels deep"),
        ("{" * 3000, "invalid YAML"),
        ("code: !!binary AAAA\n", "field 'code'"),
        ("code: \t'1'\n\x85", "invalid YAML"),
    ],
)
def test_malformed_procedure_files_are_refused(tmp_path: Path, text: str, expected: str) -> None:
    (line, *_) = problems(load_procedure, write(tmp_path, text))
    assert expected in line, line


def test_a_procedure_file_that_is_not_a_regular_file_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    assert problems(load_procedure, tmp_path / "pipe.yaml") == [
        f"{tmp_path / 'pipe.yaml'}: not a regular file"
    ]
    big = write(tmp_path, "#" * (1024 * 1024 + 1), "big.yaml")
    assert problems(load_procedure, big) == [
        f"{big}: the file is {1024 * 1024 + 1} bytes, over the limit of 1 MB"
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Nguyễn\x1b[31m An", "officer 'a.one', field 'name': contains a control character"),
        ("An\u202e", "officer 'a.one', field 'name': contains a bidirectional control"),
        ("  ", "officer 'a.one', field 'name': is blank"),
        ("A" * 100_000, "officer 'a.one', field 'name': String should have at most 200"),
    ],
)
def test_hostile_officer_names_are_refused(tmp_path: Path, name: str, expected: str) -> None:
    path = write(tmp_path, {"officers": [OFFICER | {"name": name}]}, "officers.yaml")
    lines = problems(load_officers, path)
    assert any(expected in line for line in lines), lines


def test_officer_names_are_normalised(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "Nguyễn An")
    path = write(tmp_path, {"officers": [OFFICER | {"name": f" {nfd} "}]}, "officers.yaml")
    assert load_officers(path).officers[0].name == "Nguyễn An"


def test_duplicate_keys_in_an_officers_file_are_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "officers:\n  - {id: a.one, name: An, role: specialist, role: director, unit: u}\n",
        "officers.yaml",
    )
    (line,) = problems(load_officers, path)
    assert "duplicate key 'role'" in line


def test_hostile_calendar_files_are_refused(tmp_path: Path) -> None:
    cases = {
        "days_off:\n  - {day: 2026-09-01, name: A}\ndays_off: []\n": "duplicate key 'days_off'",
        "days_off:\n  - {day: 2026-09-01, name: &n A}\nworking_days: [{day: *n}]\n": "aliases",
        "days_off: [{day: 2026-09-01, name: 'x\x1b'}]\n": "invalid YAML",
        "days_off: [{day: 99999-01-01, name: x}]\n": "day off #1, field 'day'",
    }
    for text, expected in cases.items():
        lines = problems(load_calendar_changes, write(tmp_path, text, "calendar.yaml"))
        assert any(expected in line for line in lines), (text, lines)


def test_one_hostile_file_in_a_folder_publishes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "catalogue"
    folder.mkdir()
    for sample in ("officers.yaml", "eia-appraisal.yaml", "construction-permit.yaml"):
        (folder / sample).write_bytes((SAMPLES / sample).read_bytes())
    hostile = (SAMPLES / "civil-status-extract.yaml").read_text(encoding="utf-8")
    write(folder, hostile.replace("formats: [pdf, docx]", "formats: [pdf, exe]"), "extract.yaml")
    engine = make_engine(f"sqlite:///{tmp_path / 'hoso.db'}")
    create_schema(engine)
    with Session(engine) as session:
        with pytest.raises(CatalogueError) as caught:
            publish_paths(session, [folder])
        assert "unknown document format 'exe'" in str(caught.value)
        assert session.exec(select(ProcedureRecord)).all() == []
        assert session.exec(select(OfficerRecord)).all() == []
