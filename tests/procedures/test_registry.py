"""Every stage must have someone to act on it: the registry check."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.procedure import Procedure
from support.catalogue import CatalogueError, check_against_registry, load_officers, load_procedure

SAMPLES = Path(__file__).resolve().parents[2] / "procedures"
KNOWN_AGENCIES = (
    "canh-sat-pccc, so-quy-hoach-kien-truc, so-tnmt, so-xay-dung, trung-tam-hcc, ubnd-huyen, "
    "ubnd-xa"
)


@pytest.fixture(scope="module")
def roster():
    return load_officers(SAMPLES / "officers.yaml")


def problems(procedure: Procedure, officers) -> str:
    with pytest.raises(CatalogueError) as caught:
        check_against_registry(procedure, officers)
    return str(caught.value)


@pytest.mark.parametrize("name", ["civil-status-extract", "construction-permit", "eia-appraisal"])
def test_the_samples_pass_the_registry_check(roster, name):
    check_against_registry(load_procedure(SAMPLES / f"{name}.yaml"), roster)


def test_the_roster_has_an_operator(roster):
    assert [(o.id, o.unit) for o in roster.officers if o.role == "operator"] == [
        ("ops.operator", "operations")
    ]


def test_an_unknown_consulted_agency(roster, base):
    base["chain"][2]["agencies"] = ["so-xay-dung", "so-abc"]
    procedure = Procedure.model_validate(base)
    assert problems(procedure, roster) == (
        f"procedure 1.010733: stage 'consult', field 'agencies': unknown agency 'so-abc' "
        f"(known: {KNOWN_AGENCIES})"
    )


def test_an_unknown_unit(roster, base):
    base["chain"][1]["unit"] = "environment"
    procedure = Procedure.model_validate(base)
    assert problems(procedure, roster) == (
        "procedure 1.010733: stage 'specialist', field 'unit': unknown unit 'environment' in "
        "agency 'so-tnmt' (known: board, eia-council, environment-office, office, one-stop, online)"
    )


def test_an_unknown_role(roster, base):
    base["chain"][3]["role"] = "deputy_head"
    procedure = Procedure.model_validate(base)
    assert problems(procedure, roster) == (
        "procedure 1.010733: stage 'head', field 'role': unknown role 'deputy_head' in agency "
        "'so-tnmt' (known: administrator, deputy_director, director, division_head, expert,"
        " portal, reception_officer, specialist)"
    )


def test_a_role_nobody_holds_in_that_unit(roster, base):
    base["chain"][4]["role"] = "specialist"
    procedure = Procedure.model_validate(base)
    assert problems(procedure, roster) == (
        "procedure 1.010733: stage 'decide', field 'role': no officer holds role 'specialist' "
        "in unit 'board' of agency 'so-tnmt' (roles there: deputy_director, director)"
    )


def test_inactive_records_do_not_count(roster, base):
    from models.tables import OfficerRecord

    records = [
        OfficerRecord(**o.model_dump(), active=o.id not in ("tnmt.director", "tnmt.deputy"))
        for o in roster.officers
    ]
    procedure = Procedure.model_validate(base)
    assert problems(procedure, records) == (
        "procedure 1.010733: stage 'decide', field 'unit': unknown unit 'board' in agency "
        "'so-tnmt' (known: eia-council, environment-office, office, one-stop, online)"
    )
