"""The intake seal: hoso's intake signs each submission it accepted, and a dossier starts only
from a sealed submission whose procedure is a version the catalogue published.

A workflow start carries everything the dossier will believe (its procedure and review chain, its
applicant, documents, calendar and submission time); anyone who can reach Temporal's frontend can
start one. The seal (Ed25519, intake's own key) says that hoso's intake built this input from the
catalogue; the workflow has it checked before any side effect (`check_submission`), and `hoso
verify` checks it again from the history.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from models.credentials import B64, canonical, digest
from models.dossier import DossierSubmission
from models.procedure import Confidentiality, Procedure

SEAL_KIND = "hoso-intake-seal-1"
LATER_FIELDS = ("separation_waived", "fee_payment", "payment_working_days")
KeyId = Annotated[str, Field(pattern=r"^[a-z0-9-]{1,40}$")]


def procedure_hash(procedure: Procedure) -> str:
    """SHA-256 of the procedure's canonical JSON, its version left out: what the catalogue keeps
    as a published version's `source_sha256`. Fields added later count only when set (at their
    default: left out), so the versions published before them keep their hash."""
    body = procedure.model_dump(mode="json", exclude={"version"})
    for name in LATER_FIELDS:
        if body.get(name) is None:
            body.pop(name, None)
    if body.get("confidentiality") == Confidentiality.internal:
        del body["confidentiality"]
    for document in body["documents"]:
        if document.get("confidentiality") is None:
            document.pop("confidentiality", None)
    return digest(body)


def submission_hash(submission: DossierSubmission) -> str:
    """SHA-256 of the whole submission but its seal (fields at their default left out, so a field
    added later with a default does not change what older seals cover)."""
    return digest(submission.model_dump(mode="json", exclude={"seal"}, exclude_defaults=True))


class SubmissionCheck(BaseModel):
    """What a dossier asks the worker about its own start (the `check_submission` activity): the
    hashes the workflow computed from its input, and the seal the input carries."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    procedure_code: str
    procedure_version: int
    procedure_sha256: str
    submission_sha256: str
    seal_key: KeyId | None = None
    seal_signature: B64 | None = None

    @classmethod
    def of(cls, submission: DossierSubmission) -> SubmissionCheck:
        seal = submission.seal
        return cls(
            code=submission.code,
            procedure_code=submission.procedure.code,
            procedure_version=submission.procedure.version,
            procedure_sha256=procedure_hash(submission.procedure),
            submission_sha256=submission_hash(submission),
            seal_key=seal.key_id if seal else None,
            seal_signature=seal.signature if seal else None,
        )

    def sealed_bytes(self) -> bytes:
        """What intake signs: the dossier code, the procedure version and its content, and the
        whole submission."""
        return canonical(
            {
                "kind": SEAL_KIND,
                "code": self.code,
                "procedure": {
                    "code": self.procedure_code,
                    "version": self.procedure_version,
                    "sha256": self.procedure_sha256,
                },
                "submission": self.submission_sha256,
            }
        )


class SubmissionVerdict(BaseModel):
    """The worker's answer: None, or why the start is refused (no personal data)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    refusal: str | None = None
