"""The checks of `hoso verify` on a dossier's documents and forms: their rows in the database,
their bytes in the document store and the agency's seals, against the record. Split from
support/verify_checks.py; `hoso rebuild` writes the rows back with the same reading of the record
(`recorded_documents`, `recorded_seal`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from activities.document_store import DocumentStore
from models.record import GENESIS, FormSeal, RecordEntry, Subject
from models.tables import DocumentRecord
from support.seals import SealKeys, seal_problem
from support.verify_checks import Key, Report, json_value, short

DOCUMENT_FIELDS = ("file_name", "size", "format")


def recorded_documents(chain: Sequence[RecordEntry]) -> dict[Key, tuple[str, Subject]]:
    """{(kind, sha256): (entry kind, subject)} of the documents and forms on the record."""
    return {
        (str(entry.subject["kind"]), str(entry.subject["sha256"])): (entry.kind, entry.subject)
        for entry in chain
        if entry.kind in ("document", "form")
    }


def recorded_seal(subject: Subject) -> dict[str, Any] | None:
    if subject.get("seal") is None:
        return None
    return {
        "key": subject.get("key"),
        "signature": subject.get("seal"),
        "head": subject.get("head"),
    }


def row_seal_problem(
    keys: SealKeys, agency: str | None, code: str, row: DocumentRecord
) -> str | None:
    """What is wrong with a form row's own seal (None when it verifies)."""
    try:
        seal = FormSeal.model_validate(row.seal) if row.seal is not None else None
    except ValidationError:
        return "seal is malformed — forged or altered"
    return seal_problem(
        keys,
        agency=agency or (seal.key if seal else ""),
        dossier=code,
        kind=row.kind,
        sha256=row.sha256,
        issued_at=json_value(row.added_at),
        seal=seal,
    )


def check_document_rows(
    report: Report,
    chain: Sequence[RecordEntry],
    rows: Sequence[DocumentRecord],
    required: set[Key],
    *,
    agency: str | None,
    keys: SealKeys,
) -> None:
    """Each document and form row is on the record (by kind and hash) with the recorded name,
    size, format and seal; a row pointing elsewhere is named as a replacement."""
    recorded = recorded_documents(chain)
    present = {(row.kind, row.sha256) for row in rows}
    missing = [key for key in recorded if key not in present and key in required]
    for row in rows:
        what = "form" if row.source == "form" else "document"
        label = f"{what} {row.kind}"
        found = recorded.get((row.kind, row.sha256))
        if found is None:
            instead = next((key for key in missing if key[0] == row.kind), None)
            if instead is not None:
                missing.remove(instead)
                report.add(
                    f"{label} in the database points to {short(row.sha256)} instead of the"
                    f" recorded {short(instead[1])} (replaced)"
                )
            else:
                report.add(f"{label} {short(row.sha256)} in the database is not on the record")
            if row.source == "form":
                problem = row_seal_problem(keys, agency, report.code, row)
                if problem is not None:
                    report.add(f"{label} ({short(row.sha256)}) in the database: {problem}")
            continue
        kind, subject = found
        if kind == "form":
            if row.seal != recorded_seal(subject):
                problem = row_seal_problem(keys, agency, report.code, row)
                report.add(
                    f"{label} ({short(row.sha256)}): the seal in the database differs from the"
                    " record" + (f"; {problem}" if problem else "")
                )
            continue
        changed = [name for name in DOCUMENT_FIELDS if getattr(row, name) != subject.get(name)]
        if changed:
            report.add(
                f"{label} ({short(row.sha256)}) in the database differs from the record:"
                f" {', '.join(changed)} changed"
            )
    for kind, sha in missing:
        what = recorded[(kind, sha)][0]
        report.add(f"{what} {kind} {short(sha)} is on the record but missing from the database")


def check_seals(
    report: Report, chain: Sequence[RecordEntry], *, agency: str | None, keys: SealKeys
) -> None:
    """Every recorded form bears the agency's seal, over the record as it stood before it."""
    heads = {GENESIS}
    for entry in chain:
        if entry.kind == "form":
            subject = entry.subject
            label = f"form {subject['kind']} ({short(subject['sha256'])})"
            try:
                seal = (
                    FormSeal.model_validate(recorded_seal(subject)) if subject.get("seal") else None
                )
            except ValidationError:
                report.add(f"{label}: its recorded seal is malformed")
                seal = None
            else:
                problem = seal_problem(
                    keys,
                    agency=agency or (seal.key if seal else ""),
                    dossier=report.code,
                    kind=str(subject["kind"]),
                    sha256=str(subject["sha256"]),
                    issued_at=str(subject["issued_at"]),
                    seal=seal,
                )
                if problem is not None:
                    report.add(f"{label}: {problem}")
                elif seal is not None and seal.head not in heads:
                    report.add(
                        f"{label}: its seal covers a record that is not this one"
                        " (the entries before it were rewritten)"
                    )
                else:
                    report.sealed += 1
        heads.add(entry.hash)


def check_store(report: Report, store: DocumentStore, chain: Sequence[RecordEntry]) -> None:
    """Every recorded document and form is in the store and still hashes to its address."""
    seen: set[str] = set()
    for entry in chain:
        if entry.kind not in ("document", "form"):
            continue
        sha = str(entry.subject["sha256"])
        if sha in seen:
            continue
        seen.add(sha)
        label = f"{entry.kind} {entry.subject['kind']} sha256 {short(sha)}"
        try:
            stored = store.exists(sha)
        except ValueError:
            report.add(f"{label} is not a document reference (altered)")
            continue
        if not stored:
            report.add(f"{label} is missing from the store")
        elif not store.verify(sha):
            report.add(f"{label} replaced in the store (its bytes no longer match)")
