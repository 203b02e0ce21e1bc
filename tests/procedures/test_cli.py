"""`hoso procedures` and `hoso calendar` as a user runs them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from sqlmodel import Session
from typer.testing import CliRunner

from activities.database import create_schema, make_engine, session_factory
from cli import calendar as calendar_cli
from cli import procedures as procedures_cli
from config import get_settings
from models.tables import OfficerRecord
from starter import app as root
from support.bootstrap import publish_bundled
from support.catalogue import publish_paths
from support.private_files import private_folder
from support.publishers import machine_publisher
from tests.cli.api_server import api_thread, signed_in_as

SAMPLES = Path(__file__).resolve().parents[2] / "procedures"
runner = CliRunner()


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("HOSO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("HOSO_DATABASE_URL", raising=False)
    monkeypatch.setenv("HOSO_PROCEDURES_DIR", str(SAMPLES))
    monkeypatch.setenv("COLUMNS", "200")  # rich tables without wrapping
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()


@contextmanager
def open_session() -> Iterator[Session]:
    """A session on the test's database (its schema made), as `hoso up` has it."""
    settings = get_settings()
    private_folder(settings.data_dir)
    engine = make_engine(settings.resolved_database_url)
    create_schema(engine)
    try:
        with session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


@contextmanager
def catalogue_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The API over the test's database in HOSO_API_URL: `list` and `show` read its catalogue."""
    with api_thread(get_settings()) as url:
        monkeypatch.setenv("HOSO_API_URL", url)
        get_settings.cache_clear()
        yield
    get_settings.cache_clear()


def run(app, *args: str):
    return runner.invoke(app, list(args))


def test_load_then_list_and_show(data_dir, monkeypatch):
    with open_session() as session:  # as `hoso up` publishes the samples
        report = publish_paths(session, [SAMPLES], publisher=machine_publisher(get_settings()))
    assert len(report.officers) == 25
    assert {(p.code, p.version) for p in report.procedures} == {
        ("1.009994", 1), ("1.010733", 1), ("1.010734", 1), ("2.000635", 1),
    }  # fmt: skip
    assert (data_dir / "hoso.db").exists()
    with catalogue_api(monkeypatch):
        _list_and_show()


def _list_and_show() -> None:
    listed = run(procedures_cli.app, "list", "--json")
    assert json.loads(listed.stdout)[1] == {
        "code": "1.010733",
        "version": 1,
        "name": "Thẩm định báo cáo đánh giá tác động môi trường",
        "agency": "so-tnmt",
        "service": "partly_online",
        "working_days": 30,
        "fee": 0,
        "delivery": ["online", "post", "counter"],
    }
    table = run(procedures_cli.app, "list")
    assert table.exit_code == 0 and "Cấp bản sao trích lục hộ tịch" in table.stdout

    shown = run(procedures_cli.app, "show", "1.009994")
    assert shown.exit_code == 0, shown.output
    for text in ("canh-sat-pccc", "on_timeout: proceed", "return_to: specialist", "director"):
        assert text in shown.stdout
    assert "delivery: counter, post, online" in shown.stdout
    council = run(procedures_cli.app, "show", "1.010734")
    assert "council of 7+, experts 1/3, quorum 2/3 with the chair" in " ".join(
        council.stdout.split()
    )
    body = json.loads(run(procedures_cli.app, "show", "2.000635", "--json").stdout)
    assert (body["version"], body["fee"], len(body["chain"])) == (1, 8000, 3)


def test_an_administrator_loads_their_agencys_files_through_the_api(
    data_dir, tmp_path, monkeypatch
):
    with open_session() as session:
        publish_bundled(session, get_settings())
    eia = yaml.safe_load((SAMPLES / "eia-appraisal.yaml").read_text(encoding="utf-8"))
    revised = tmp_path / "eia.yaml"
    revised.write_text(
        yaml.safe_dump(eia | {"fee": 500000, "fee_payment": "none"}, allow_unicode=True), "utf-8"
    )
    roster = tmp_path / "officers.yaml"
    newcomer = {"id": "tnmt.specialist-2", "name": "Đinh Văn Sơn", "role": "specialist",
                "unit": "environment-office", "agency": "so-tnmt"}  # fmt: skip
    roster.write_text(yaml.safe_dump({"officers": [newcomer]}, allow_unicode=True), "utf-8")
    with signed_in_as(get_settings(), "tnmt.admin", monkeypatch):
        loaded = run(procedures_cli.app, "load", str(roster), str(revised))
        assert loaded.exit_code == 0, loaded.output
        assert "officers: 1 published, 1 changed" in loaded.stdout
        assert "1.010733 │ 2       │ yes" in loaded.stdout

        again = run(procedures_cli.app, "load", "--json", str(revised))
        assert again.exit_code == 0, again.output
        assert json.loads(again.stdout)["procedures"] == [
            {"code": "1.010733", "version": 2, "changed": False}
        ]

        verified = run(root, "verify", "--catalogue")
        assert verified.exit_code == 0, verified.output
        assert verified.stdout.startswith("catalogue: publication record intact (")
        with open_session() as session:  # behind hoso's back
            planted = session.get(OfficerRecord, "tnmt.specialist-2")
            assert planted is not None
            planted.role = "director"
            session.add(planted)
            session.commit()
        named = run(root, "verify", "--catalogue")
        assert named.exit_code == 1
        assert named.stdout == (
            "catalogue: officer tnmt.specialist-2 differs from their signed roster: role changed"
            " in the database\n"
        )

        other = run(procedures_cli.app, "load", str(SAMPLES / "civil-status-extract.yaml"))
        assert other.exit_code == 1
        assert other.stderr == (
            "error: only an administrator of ubnd-xa publishes its procedures: tnmt.admin is"
            " administrator of so-tnmt\n"
        )


def test_an_error_is_one_line_and_exit_code_1(tmp_path, monkeypatch):
    bad = tmp_path / "bad.yaml"
    bad.write_text("code: '1.2'\nname: x\n", encoding="utf-8")
    result = run(procedures_cli.app, "load", str(bad))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {bad}: field 'agency': required field is missing",
        f"error: {bad}: field 'service': required field is missing",
        f"error: {bad}: field 'working_days': required field is missing",
        f"error: {bad}: field 'documents': required field is missing",
        f"error: {bad}: field 'delivery': required field is missing",
        f"error: {bad}: field 'chain': required field is missing",
    ]
    with catalogue_api(monkeypatch):
        unknown = run(procedures_cli.app, "show", "9.999")
    assert unknown.exit_code == 1
    assert unknown.stderr == "error: no procedure 9.999\n"
    assert "Traceback" not in unknown.output


def test_calendar_show_lists_the_days_off_with_their_names():
    result = run(calendar_cli.app, "show", "2026", "--json")
    assert result.exit_code == 0, result.output
    days = {h["day"]: h["name"] for h in json.loads(result.stdout)["holidays"]}
    assert days["2026-02-17"] == "Tết Nguyên Đán"
    text = run(calendar_cli.app, "show", "2026").stdout
    assert "Giao thừa Tết Nguyên Đán" in text
    assert "2026-08-22 (Saturday) is a working day" in text


def test_calendar_due_counts_working_days():
    result = run(calendar_cli.app, "due", "2026-02-12T16:30", "5")
    assert result.exit_code == 0, result.output
    # After 15:00 on Thu 12: Fri 13 is the day of receipt; Tết; Mon 23 … Fri 27.
    assert result.stdout.startswith("due 2026-02-27 (Friday)")
    data = json.loads(run(calendar_cli.app, "due", "2026-02-12", "5", "--json").stdout)
    assert (data["receipt_day"], data["due_date"]) == ("2026-02-12", "2026-02-26")


def test_calendar_due_across_tet_2027_and_the_swapped_saturday_of_2026():
    # Received Monday 25 January 2027; Tết takes Thursday 4 to Wednesday 10 February.
    result = run(calendar_cli.app, "due", "2027-01-25T09:00", "30")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("due 2027-03-15 (Monday)")
    # Saturday 22 August 2026 is worked in exchange for Monday 31 August.
    data = json.loads(run(calendar_cli.app, "due", "2026-08-21", "1", "--json").stdout)
    assert data["due_date"] == "2026-08-22"
    data = json.loads(run(calendar_cli.app, "due", "2026-08-28", "1", "--json").stdout)
    assert data["due_date"] == "2026-09-03"  # Mon 31, Tue 1, Wed 2 September are off


def test_calendar_due_with_a_bad_date_is_one_line():
    result = run(calendar_cli.app, "due", "12/02/2026", "5")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: FROM '12/02/2026': expected an ISO date or datetime, e.g. 2026-02-12 or "
        "2026-02-12T16:30\n"
    )
