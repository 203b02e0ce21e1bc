"""Publishing: all files or none, a new version only when the content changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from models.officer import OfficerRoster
from models.tables import OfficerRecord, ProcedureRecord
from support.catalogue import (
    CatalogueError,
    Published,
    get_officer,
    latest_procedure,
    list_procedures,
    load_officers,
    procedure_versions,
    publish_officers,
    publish_paths,
    publish_procedures,
)

SAMPLES = Path(__file__).resolve().parents[2] / "procedures"
OFFICERS = SAMPLES / "officers.yaml"
PROCEDURES = [
    SAMPLES / "civil-status-extract.yaml",
    SAMPLES / "construction-permit.yaml",
    SAMPLES / "eia-appraisal.yaml",
]


def rows(session) -> list[tuple[str, int]]:
    records = session.exec(select(ProcedureRecord)).all()
    return sorted((record.code, record.version) for record in records)


@pytest.fixture
def registry(session):
    publish_officers(session, load_officers(OFFICERS))
    return session


def test_the_samples_publish_as_version_1(registry):
    assert publish_procedures(registry, PROCEDURES) == [
        Published("2.000635", 1, True),
        Published("1.009994", 1, True),
        Published("1.010733", 1, True),
    ]
    assert [(p.code, p.version) for p in list_procedures(registry)] == [
        ("1.009994", 1), ("1.010733", 1), ("2.000635", 1),
    ]  # fmt: skip
    record = registry.get(ProcedureRecord, ("1.010733", 1))
    assert record.body["version"] == 1 and record.agency == "so-tnmt"
    assert len(record.source_sha256) == 64


def test_publishing_the_same_content_again_is_a_no_op(registry, base, write):
    path = write(base)
    assert publish_procedures(registry, [path]) == [Published("1.010733", 1, True)]
    # Comments and layout do not change the content.
    path.write_text("# reformatted\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert publish_procedures(registry, [path]) == [Published("1.010733", 1, False)]
    assert rows(registry) == [("1.010733", 1)]


def test_changed_content_makes_version_2_and_version_1_stays_readable(registry, base, write):
    publish_procedures(registry, [write(base)])
    base["fee"], base["fee_payment"] = 500000, "none"
    assert publish_procedures(registry, [write(base)]) == [Published("1.010733", 2, True)]
    latest = latest_procedure(registry, "1.010733")
    assert (latest.version, latest.fee) == (2, 500000)
    first, second = procedure_versions(registry, "1.010733")
    assert (first.version, first.fee) == (1, 0)
    assert second == latest
    # Publishing version 1's content again makes version 3: the latest is what counts.
    base["fee"] = 0
    del base["fee_payment"]
    assert publish_procedures(registry, [write(base)]) == [Published("1.010733", 3, True)]


def test_nothing_is_published_when_one_file_is_bad(registry, base, write):
    good = write(dict(base, code="1.000003"), "good.yaml")
    bad_copy = dict(base, code="1.000001", chain=[dict(s) for s in base["chain"]])
    del bad_copy["chain"][1]["role"]
    bad = write(bad_copy, "bad.yaml")
    with pytest.raises(CatalogueError) as caught:
        publish_procedures(registry, [*PROCEDURES, good, bad])
    assert str(caught.value) == (
        f"{bad}: stage 'specialist', field 'role': required field is missing"
    )
    assert rows(registry) == []


def test_every_bad_file_is_listed_one_per_line(registry, base, write):
    base["colour"] = "green"
    first = write(base, "first.yaml")
    second = write("- not a procedure\n", "second.yaml")
    with pytest.raises(CatalogueError) as caught:
        publish_procedures(registry, [first, *PROCEDURES, second])
    assert str(caught.value).splitlines() == [
        f"{first}: field 'colour': unknown field",
        f"{second}: the top level must be a mapping of fields, not a list",
    ]
    assert rows(registry) == []


def test_the_same_code_twice_in_one_publication(registry, base, write):
    first, second = write(base, "a.yaml"), write(base, "b.yaml")
    with pytest.raises(CatalogueError, match=r"b.yaml: procedure 1.010733 is also defined in"):
        publish_procedures(registry, [first, second])
    assert rows(registry) == []


def test_procedures_are_checked_against_the_registry(session, base, write):
    with pytest.raises(CatalogueError) as caught:
        publish_procedures(session, [path := write(base)])
    assert str(caught.value) == f"{path}: field 'agency': unknown agency 'so-tnmt' (known: none)"
    assert publish_procedures(session, [path], check_registry=False)[0].version == 1


def test_publish_paths_loads_officers_before_procedures_all_or_nothing(session, base, write):
    report = publish_paths(session, [SAMPLES])
    assert [p.code for p in report.procedures] == ["2.000635", "1.009994", "1.010734", "1.010733"]
    assert len(report.officers) == 25 and all(changed for _, changed in report.officers)
    assert report.calendars == [SAMPLES / "calendar.yaml"]
    again = publish_paths(session, [OFFICERS, *PROCEDURES])
    assert not any(changed for _, changed in again.officers)
    assert not any(p.changed for p in again.procedures)

    base["code"] = "1.000002"
    base["chain"][2]["agencies"] = ["so-abc"]
    roster = OfficerRoster.model_validate(
        {
            "officers": [
                {"id": "new.one", "name": "Mai Anh", "role": "x", "unit": "y", "agency": "z"}
            ]
        }
    )
    officers = write(roster.model_dump(mode="json"), "more-officers.yaml")
    with pytest.raises(CatalogueError):
        publish_paths(session, [officers, write(base)])
    assert session.get(OfficerRecord, "new.one") is None
    assert len(rows(session)) == 4


def test_officers_are_upserted_by_id(session):
    roster = load_officers(OFFICERS)
    publish_officers(session, roster)
    renamed = roster.officers[0].model_copy(update={"name": "Nguyễn Thị Lan Anh"})
    changes = publish_officers(session, OfficerRoster(officers=[renamed, roster.officers[1]]))
    assert changes == [("tnmt.reception", True), ("tnmt.specialist", False)]
    assert get_officer(session, "tnmt.reception").name == "Nguyễn Thị Lan Anh"
    assert len(session.exec(select(OfficerRecord)).all()) == 25


def test_unknown_procedure_and_officer(session):
    with pytest.raises(CatalogueError, match=r"^unknown procedure 9.999$"):
        latest_procedure(session, "9.999")
    with pytest.raises(CatalogueError, match=r"^unknown procedure 9.999$"):
        procedure_versions(session, "9.999")
    with pytest.raises(CatalogueError, match=r"^unknown officer nobody$"):
        get_officer(session, "nobody")


def test_an_officers_file_with_a_bad_email_and_a_duplicate_id(write):
    path = write(
        "officers:\n"
        "  - {id: a.one, name: An, role: specialist, unit: u, agency: g, email: not-an-email}\n",
        "officers.yaml",
    )
    with pytest.raises(CatalogueError, match=r"officer 'a.one', field 'email': value is not"):
        load_officers(path)
    path = write(
        "officers:\n"
        "  - {id: a.one, name: An, role: specialist, unit: u, agency: g}\n"
        "  - {id: a.one, name: Bình, role: specialist, unit: u, agency: g}\n",
        "officers.yaml",
    )
    with pytest.raises(CatalogueError) as caught:
        load_officers(path)
    assert str(caught.value) == f"{path}: officer 'a.one', field 'id': duplicate officer id"
