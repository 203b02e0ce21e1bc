"""A procedure's content hash (what intake seals and a dossier's start is checked against): a
field added later counts only when it is set, so versions published before it keep their hash."""

from __future__ import annotations

from pathlib import Path

from models.procedure import Confidentiality
from support.catalogue import content_hash, load_procedure

EXTRACT = Path(__file__).resolve().parents[2] / "procedures" / "civil-status-extract.yaml"


def test_confidentiality_left_at_its_default_keeps_the_hash_and_set_changes_it() -> None:
    procedure = load_procedure(EXTRACT)
    said = procedure.model_copy(update={"confidentiality": Confidentiality.internal})
    confidential = procedure.model_copy(update={"confidentiality": Confidentiality.confidential})
    assert content_hash(said) == content_hash(procedure)
    assert content_hash(confidential) != content_hash(procedure)

    documents = [
        d.model_copy(update={"confidentiality": Confidentiality.confidential})
        if d.kind == "id_card"
        else d
        for d in procedure.documents
    ]
    one_document = procedure.model_copy(update={"documents": documents})
    assert content_hash(one_document) not in (content_hash(procedure), content_hash(confidential))
    assert one_document.confidentiality_of("id_card") is Confidentiality.confidential
    assert one_document.confidentiality_of("request_form") is Confidentiality.internal
