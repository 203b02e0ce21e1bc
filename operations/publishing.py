"""Publishing the catalogue (công bố thủ tục hành chính): procedure versions and an agency's
officer roster, by an administrator of that agency only.

The administrator signs each procedure and each roster on their own machine (a statement over
its content's SHA-256, models/publication.py); the request is signed too, as every officer's is.
Everything sent is checked first — the caller an administrator of every agency it names, each
signature theirs and over exactly this content, the chains against the registry to be and
separating reception from decision — then published all or none, each publication on the
record `hoso verify` and the worker check.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from activities.keys import load_public_keys
from activities.publications import ProvidedProofs, proof_problem
from models.intake import procedure_hash
from models.officer import ADMINISTRATOR_ROLE, Officer, OfficerRoster
from models.procedure import Procedure
from models.publication import PublicationKind, PublicationProof, roster_hash
from operations.access import Caller
from operations.errors import Forbidden
from operations.services import Services
from support.catalogue import publish_signed
from support.errors import CatalogueError
from support.open_dossiers import refresh_trust

MAX_OFFICERS = 2000
MAX_PROCEDURES = 200


class SignedRoster(BaseModel):
    """An agency's officers (all of that agency), with its administrator's signature."""

    officers: list[Officer] = Field(min_length=1, max_length=MAX_OFFICERS)
    proof: PublicationProof


class SignedProcedure(BaseModel):
    """A procedure as its file says it (its version is set when published), signed."""

    procedure: Procedure
    proof: PublicationProof


class CataloguePublication(BaseModel):
    """What an administrator publishes at once: rosters first, then procedures; all or none."""

    rosters: list[SignedRoster] = Field(default_factory=list, max_length=50)
    procedures: list[SignedProcedure] = Field(default_factory=list, max_length=MAX_PROCEDURES)


class PublishedProcedure(BaseModel):
    code: str
    version: int
    changed: bool = Field(description="false: the same content was published already")


class PublishedOfficer(BaseModel):
    id: str
    changed: bool


class PublicationResult(BaseModel):
    procedures: list[PublishedProcedure] = Field(default_factory=list)
    officers: list[PublishedOfficer] = Field(default_factory=list)
    revoked_tokens: int = Field(
        default=0, description="tokens of officers whose role, unit or agency changed, revoked"
    )


def require_administrator(caller: Caller, agency: str, what: str) -> None:
    """Only an administrator of `agency` publishes its `what` (Forbidden otherwise)."""
    officer = caller.officer
    if officer.role != ADMINISTRATOR_ROLE or officer.agency != agency:
        raise Forbidden(
            f"only an administrator of {agency} publishes its {what}: {officer.id} is"
            f" {officer.role} of {officer.agency}"
        )


def _roster_agency(roster: SignedRoster) -> str:
    agency = roster.proof.statement.agency
    strays = sorted(o.id for o in roster.officers if o.agency != agency)
    if strays:
        raise CatalogueError(
            f"roster of {agency}: {', '.join(strays)} belong to other agencies; a roster names"
            " one agency's officers"
        )
    return agency


def check_proof(
    caller: Caller,
    proof: PublicationProof,
    issuers: dict[str, str],
    *,
    kind: PublicationKind,
    subject: str,
    agency: str,
    sha256: str,
) -> None:
    where = f"{kind.value} {subject}"
    if proof.certificate is None or proof.certificate.token_id != caller.token_id:
        raise CatalogueError(f"{where}: sign it with the token that signs the request")
    problem = proof_problem(
        proof, issuers, kind=kind.value, subject=subject, agency=agency, sha256=sha256
    )
    if problem is not None:
        raise CatalogueError(f"{where}: the publication's signature is refused: {problem}")


async def publish(
    caller: Caller, services: Services, request: CataloguePublication
) -> PublicationResult:
    """Publishes the rosters and procedures of `request`, all or none (see the module)."""
    if not request.rosters and not request.procedures:
        raise CatalogueError("nothing to publish: send a roster or a procedure")
    issuers = load_public_keys(services.settings.resolved_keys_dir, "issuer")
    for roster in request.rosters:
        agency = _roster_agency(roster)
        require_administrator(caller, agency, "officers' roster")
        digest = roster_hash(roster.officers)
        kind = PublicationKind.roster
        check_proof(
            caller, roster.proof, issuers, kind=kind, subject=agency, agency=agency, sha256=digest
        )
    for signed in request.procedures:
        procedure = signed.procedure
        require_administrator(caller, procedure.agency, "procedures")
        check_proof(
            caller,
            signed.proof,
            issuers,
            kind=PublicationKind.procedure,
            subject=procedure.code,
            agency=procedure.agency,
            sha256=procedure_hash(procedure),
        )
    proofs = ProvidedProofs(
        [r.proof for r in request.rosters] + [p.proof for p in request.procedures]
    )
    rosters = [OfficerRoster(officers=r.officers) for r in request.rosters]
    with services.sessions() as session:
        report = publish_signed(session, rosters, [p.procedure for p in request.procedures], proofs)
    if report.revoked:  # a changed role or unit: the dossiers refuse the old certificate too
        await refresh_trust(await services.client(), services.settings.task_queue)
    return PublicationResult(
        procedures=[PublishedProcedure(**p._asdict()) for p in report.procedures],
        officers=[PublishedOfficer(id=i, changed=c) for i, c in report.officers],
        revoked_tokens=len(report.revoked),
    )
