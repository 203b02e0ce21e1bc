"""`hoso demo` generates a dossier the EIA procedure accepts."""

from __future__ import annotations

from pathlib import Path

import yaml

from cli.demo import EIA_CODE, write_sample_dossier
from support.catalogue import load_procedure
from support.intake import check_documents, read_dossier_file

PROCEDURES = Path(__file__).resolve().parents[2] / "procedures"


def test_sample_dossier_passes_the_eia_checks(tmp_path: Path) -> None:
    procedure = load_procedure(PROCEDURES / "eia-appraisal.yaml")
    assert procedure.code == EIA_CODE
    path = write_sample_dossier(tmp_path, procedure)
    dossier = read_dossier_file(path)
    checked = check_documents(
        [(d.kind, d.path) for d in dossier.documents], tmp_path, procedure, 10**6, str(path)
    )
    required = {d.kind for d in procedure.documents if d.required}
    assert required <= {doc.kind for doc in checked}
    report = next(doc for doc in checked if doc.format == "pdf")
    assert report.path.read_bytes().startswith(b"%PDF-1.4")
    assert yaml.safe_load(path.read_text())["reference"].startswith("demo-")
