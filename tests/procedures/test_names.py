"""Agencies, units and stages carry the names people read: validated when the catalogue is
loaded, snapshotted into each dossier's submission."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from models.agency import Names
from models.dossier import DossierSubmission
from models.tables import AgencyRecord
from support.agencies import stored_names
from support.catalogue import CatalogueError, latest_procedure, load_procedure, publish_paths
from tests.procedures.conftest import SAMPLES
from tests.workflows.harness import submission


def test_a_stage_without_a_name_is_refused_naming_the_file_the_stage_and_the_field(
    base: dict[str, Any], write: Callable[..., Path]
) -> None:
    del base["chain"][1]["name"]
    path = write(base)
    with pytest.raises(CatalogueError) as refusal:
        load_procedure(path)
    assert refusal.value.problems == [
        f"{path}: stage 'specialist', field 'name': missing: the stage's name as the applicant"
        " reads it (e.g. Tiếp nhận hồ sơ)"
    ]


@pytest.mark.parametrize(
    ("agency", "expected"),
    [
        (
            {"id": "so-tnmt", "units": {}},
            "agency 'so-tnmt', field 'name': required field is missing",
        ),
        ({"id": "so-tnmt", "name": " "}, "agency 'so-tnmt', field 'name': is blank"),
        (
            {"id": "so-tnmt", "name": "Sở Tài nguyên và Môi trường", "units": {"one-stop": ""}},
            "agency 'so-tnmt', field 'units.one-stop'",
        ),
    ],
)
def test_an_agency_or_unit_without_a_name_is_refused_and_nothing_is_published(
    session: Session, write: Callable[..., Path], agency: dict[str, Any], expected: str
) -> None:
    path = write({"agencies": [agency]}, "agencies.yaml")
    with pytest.raises(CatalogueError) as refusal:
        publish_paths(session, [path])
    (problem,) = refusal.value.problems
    assert problem.startswith(f"{path}: {expected}"), problem
    assert session.get(AgencyRecord, "so-tnmt") is None


def test_the_sample_catalogue_names_what_each_dossier_prints(session: Session) -> None:
    report = publish_paths(session, [SAMPLES])
    assert ("so-tnmt", True) in report.agencies
    eia = latest_procedure(session, "1.010733")
    names = stored_names(session, eia)
    assert names.agency("so-tnmt") == "Sở Tài nguyên và Môi trường"
    assert names.agency("canh-sat-pccc") == "Cảnh sát Phòng cháy, chữa cháy và cứu nạn, cứu hộ"
    assert names.agency("ubnd-huyen") == "Ủy ban nhân dân huyện"
    assert (names.unit("one-stop"), names.unit("environment-office")) == (
        "Bộ phận Một cửa",
        "Phòng Quản lý môi trường",
    )
    assert [eia.stage_name(stage.id) for stage in eia.chain][:2] == [
        "Tiếp nhận hồ sơ",
        "Thẩm định chuyên môn",
    ]
    assert set(names.agencies) == {"so-tnmt", "so-xay-dung", "canh-sat-pccc", "ubnd-huyen"}


def test_a_submission_from_before_names_loads_and_prints_its_codes() -> None:
    recorded = submission("eia").model_dump(mode="json")
    del recorded["names"]
    for stage in recorded["procedure"]["chain"]:
        del stage["name"]
    old = DossierSubmission.model_validate(recorded)
    assert old.names == Names()
    assert (old.names.agency("so-tnmt"), old.names.unit("one-stop")) == ("so-tnmt", "one-stop")
    assert old.procedure.stage_name("specialist") == "specialist"
