"""The projection's tables (SQLModel): search, reporting, the catalogue and the document register.

Rebuildable from the workflow histories, except the catalogue, the registry, the outboxes and the
bookings at the counters, which are the edge's own records.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

import models.payment_records  # noqa: F401 - the payments' tables, on the same metadata


class ProcedureRecord(SQLModel, table=True):
    """One published version of a procedure; `body` is the validated procedure as JSON."""

    __tablename__ = "procedure"

    code: str = Field(primary_key=True)
    version: int = Field(primary_key=True)
    name: str
    agency: str = Field(index=True)
    source_sha256: str = Field(description="hash of the file it was published from")
    body: dict = Field(sa_column=Column(JSON, nullable=False))  # type: ignore[type-arg]
    published_at: datetime


class OfficerRecord(SQLModel, table=True):
    __tablename__ = "officer"

    id: str = Field(primary_key=True)
    name: str
    role: str = Field(index=True)
    unit: str = Field(index=True)
    agency: str = Field(index=True)
    email: str | None = None
    active: bool = True
    expert: bool = Field(default=False, description="councils may seat them as an expert")


class AgencyRecord(SQLModel, table=True):
    """An agency of the catalogue's agency list: its official name and its units' names."""

    __tablename__ = "agency"

    id: str = Field(primary_key=True)
    name: str
    units: dict = Field(  # type: ignore[type-arg]
        default_factory=dict, sa_column=Column(JSON, nullable=False), description="unit id → name"
    )


class SubmissionRecord(SQLModel, table=True):
    """The sender's reference of each submission and the dossier code it got (one per reference)."""

    __tablename__ = "submission"

    reference: str = Field(primary_key=True)
    code: str = Field(unique=True)
    created_at: datetime
    request_sha256: str | None = Field(
        default=None,
        description="what the submission held (applicant, procedure, delivery, documents), hashed:"
        " its reference sent again must hold the same",
    )
    lookup_secret_sha256: str | None = Field(
        default=None, description="the applicant's lookup secret, hashed (never the secret)"
    )


class DossierCounter(SQLModel, table=True):
    """The day's last sequence number per receiving unit, for dossier codes."""

    __tablename__ = "dossier_counter"

    unit: str = Field(primary_key=True)
    day: date = Field(primary_key=True)
    last: int = 0


class DossierRecord(SQLModel, table=True):
    __tablename__ = "dossier"

    code: str = Field(primary_key=True)
    reference: str
    procedure_code: str = Field(index=True)
    procedure_version: int
    agency: str = Field(index=True)
    status: str = Field(index=True)
    stage: str | None = Field(default=None, index=True)
    unit: str | None = Field(default=None, index=True)
    role: str | None = Field(default=None, description="the role the current stage waits for")
    stage_due_at: datetime | None = Field(default=None, description="the current stage's budget")
    delivery: str
    applicant_name: str
    applicant_id_number: str
    applicant_address: str | None = Field(default=None, description="for the register (form 06)")
    applicant_phone: str | None = None
    submitted_at: datetime = Field(index=True)
    received_at: datetime | None = None
    due_date: date | None = Field(default=None, index=True)
    original_due_date: date | None = Field(default=None, description="as first printed")
    received_via: str = Field(default="online", index=True, description="online | counter | post")
    received_by: str | None = Field(default=None, description="the counter officer who received it")
    outcome: str | None = None
    supplement_requests: int = 0
    suspended_days: int = Field(default=0, description="working days waiting for the applicant")
    late_stages: int = Field(default=0, description="stages that passed their budget")
    at_risk: bool = Field(default=False, index=True)
    overdue: bool = Field(default=False, index=True)
    apologized: bool = False
    on_time: bool | None = Field(default=None, description="finished by its (re-set) due date")
    closed_at: datetime | None = Field(default=None, index=True)
    fee_amount: int | None = Field(default=None, description="the fee paid, in đồng")
    fee_channel: str | None = Field(default=None, description="online | counter, once paid")
    fee_paid_at: datetime | None = Field(default=None, index=True)
    refund_owed: bool = Field(default=False, description="paid, then refused or rejected")
    updated_at: datetime


class WaitingRecord(SQLModel, table=True):
    """Who an open dossier waits for (the worklist): `stage` — the officers of a role, unit and
    agency (`agency/unit/role`); `consultation` — an agency not yet answered; `council` — a member
    yet to vote. `due` is the dossier's due date (9999-12-31 before it has one), so a worklist is
    one range of the index, soonest due first, whatever the number of dossiers."""

    __tablename__ = "dossier_waiting"
    __table_args__ = (Index("ix_dossier_waiting_queue", "kind", "party", "due", "dossier_code"),)

    dossier_code: str = Field(primary_key=True, foreign_key="dossier.code")
    kind: str = Field(primary_key=True, description="stage | consultation | council | chair")
    party: str = Field(primary_key=True)
    due: date


class ActionRecord(SQLModel, table=True):
    """Every accepted action, with officer, time and comment."""

    __tablename__ = "dossier_action"
    __table_args__ = (UniqueConstraint("dossier_code", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    dossier_code: str = Field(index=True, foreign_key="dossier.code")
    seq: int
    stage: str | None
    action: str
    actor: str = Field(index=True)
    role: str | None = None
    unit: str | None = None
    agency: str | None = None
    comment: str = ""
    to_stage: str | None = None
    at: datetime


class DocumentRecord(SQLModel, table=True):
    """A document of a dossier: submitted, supplemented, attached by an officer, or a form."""

    __tablename__ = "dossier_document"
    __table_args__ = (UniqueConstraint("dossier_code", "kind", "sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    dossier_code: str = Field(index=True)
    kind: str
    file_name: str
    sha256: str = Field(index=True)
    size: int
    format: str
    source: str = Field(description="applicant | officer | form")
    added_at: datetime
    seal: dict | None = Field(  # type: ignore[type-arg]
        default=None,
        sa_column=Column(JSON, nullable=True),
        description="a form's seal (FormSeal as JSON): key, signature, record head",
    )


class NotificationRecord(SQLModel, table=True):
    """The outbox: one row per notification key; `sent_at` set once a channel took it."""

    __tablename__ = "notification"

    key: str = Field(primary_key=True)
    dossier_code: str = Field(index=True)
    template: str
    channel: str
    recipient: str
    subject: str
    body: str
    created_at: datetime
    sent_at: datetime | None = None
    attempts: int = 0
    # Why the last failed attempt failed (kept once sent: the outage it went through), or, when
    # some recipients were refused, "sent, but …" what they missed.
    last_error: str | None = None


class DeliveryRecord(SQLModel, table=True):
    """A result handed to its channel: published online, to the post, or ready at the counter."""

    __tablename__ = "delivery"

    key: str = Field(primary_key=True)
    dossier_code: str = Field(index=True)
    channel: str
    form_sha256: str
    tracking: str | None = None
    handed_at: datetime


class OfficerTokenRecord(SQLModel, table=True):
    """An issued officer credential: only the token's SHA-256 is kept, never the token."""

    __tablename__ = "officer_token"

    token_id: str = Field(primary_key=True)
    officer_id: str = Field(index=True)
    token_sha256: str = Field(unique=True)
    issuer: str
    issued_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None
    revoked_by: str | None = None


class RecordEntryRecord(SQLModel, table=True):
    """One entry of a dossier's tamper-evident record, as the workflow chained it (append-only)."""

    __tablename__ = "dossier_record"
    __table_args__ = (UniqueConstraint("dossier_code", "n"),)

    id: int | None = Field(default=None, primary_key=True)
    dossier_code: str = Field(index=True)
    n: int
    at: datetime
    kind: str
    actor: str
    subject: dict = Field(sa_column=Column(JSON, nullable=False))  # type: ignore[type-arg]
    digest: str
    prev: str
    hash: str


class RequestNonceRecord(SQLModel, table=True):
    """A signed API request's nonce, kept for its validity window: the same one twice is a
    replay, whichever API process receives it."""

    __tablename__ = "request_nonce"

    nonce: str = Field(primary_key=True)
    seen_at: datetime = Field(index=True)


class TokenRevocationRecord(SQLModel, table=True):
    """One revocation of the register of revocations: append-only, each entry carrying the
    SHA-256 of the one before (`support/revocations.py`). What is revoked is read from here; the
    token's `revoked_at` only shows it."""

    __tablename__ = "token_revocation"

    n: int = Field(primary_key=True)
    token_id: str = Field(unique=True)
    officer_id: str = Field(index=True)
    revoked_at: datetime
    revoked_by: str = Field(description="the operator, or `registry` for a changed role or unit")
    reason: str
    prev: str
    hash: str


class RefusedActionRecord(SQLModel, table=True):
    """An action a dossier refused (forged, stale, not allowed now), whatever door it came by:
    who it named, on which dossier, why and when — never its content."""

    __tablename__ = "refused_action"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    dossier_code: str = Field(index=True)
    update: str
    officer_id: str | None = Field(
        default=None, index=True, description="as the attempt names them (certified or not)"
    )
    token_id: str | None = None
    reason: str


class PublicationRecord(SQLModel, table=True):
    """One publication of the catalogue (a procedure version, an agency's roster), with its
    publisher's signed statement (models/publication.py): append-only."""

    __tablename__ = "publication"

    n: int | None = Field(default=None, primary_key=True)
    kind: str = Field(index=True)
    subject: str = Field(index=True)
    agency: str = Field(index=True)
    version: int | None = Field(default=None, description="the procedure version it published")
    sha256: str
    content: dict = Field(  # type: ignore[type-arg]
        sa_column=Column(JSON, nullable=False), description="what was published, as signed"
    )
    publisher: str
    proof: dict = Field(sa_column=Column(JSON, nullable=False))  # type: ignore[type-arg]
    nonce: str = Field(unique=True)
    published_at: datetime


class WebhookSubscriberRecord(SQLModel, table=True):
    """A portal following dossiers by webhook: its URL, its Standard Webhooks secret (sealed with
    the payload keyring; never shown after creation), the events it wants and the agencies whose
    dossiers."""

    __tablename__ = "webhook_subscriber"

    name: str = Field(primary_key=True)
    url: str
    secret: str
    events: list = Field(sa_column=Column(JSON, nullable=False))  # type: ignore[type-arg]
    agencies: list | None = Field(  # type: ignore[type-arg]
        default=None,
        sa_column=Column(JSON, nullable=True),
        description="agency ids; null: every agency (a province-wide operator's subscriber)",
    )
    created_by: str
    created_at: datetime
    active: bool = True


class WebhookDeliveryRecord(SQLModel, table=True):
    """The webhooks' outbox: one event for one subscriber, written with the projection change
    that made it; `next_attempt_at` is null once delivered or given up. Deliveries of one dossier
    to one subscriber go in `id` order."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (Index("ix_webhook_delivery_queue", "subscriber", "dossier_code", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(index=True, description="webhook-id: the same on every attempt")
    subscriber: str = Field(foreign_key="webhook_subscriber.name")
    dossier_code: str = Field(index=True)
    event_type: str
    body: str = Field(description="the JSON posted, as signed")
    occurred_at: datetime = Field(index=True)
    created_at: datetime
    next_attempt_at: datetime | None = Field(default=None, index=True)
    attempts: int = 0
    delivered_at: datetime | None = None
    abandoned_at: datetime | None = None
    last_status: int | None = None
    last_error: str | None = None
    replay: bool = Field(default=False, description="sent again by an operator's replay")


class WebhookAttemptRecord(SQLModel, table=True):
    """One attempt to post a delivery, as the dossier's timeline shows it."""

    __tablename__ = "webhook_attempt"

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: int = Field(index=True, foreign_key="webhook_delivery.id")
    dossier_code: str = Field(index=True)
    subscriber: str
    at: datetime
    status: int | None = Field(default=None, description="the receiver's HTTP status, if any")
    error: str | None = None
    delivered: bool


class OfficerAccountRecord(SQLModel, table=True):
    """An officer's sign-in to the web pages: a password (argon2id hash) and a TOTP second factor,
    with the failed attempts that lock it for a while."""

    __tablename__ = "officer_account"

    officer_id: str = Field(primary_key=True)
    password_hash: str = Field(description="argon2id, never the password")
    totp_secret: str | None = Field(default=None, description="base32; None until enrolment")
    totp_enrolled_at: datetime | None = None
    totp_last_step: int | None = Field(default=None, description="a code is accepted once")
    failed_attempts: int = 0
    locked_until: datetime | None = None
    password_set_at: datetime


class WebSessionRecord(SQLModel, table=True):
    """A signed-in browser: its cookie's SHA-256 (never the cookie), whether the second factor
    was given, when it began and was last used, and its end."""

    __tablename__ = "web_session"

    id: str = Field(primary_key=True, description="public id of the session (32 hex)")
    secret_sha256: str = Field(unique=True)
    officer_id: str = Field(index=True)
    verified: bool = Field(default=False, description="password and second factor both given")
    created_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None = None
    ended_by: str | None = Field(default=None, description="sign-out, idle, revoked by …")
    certificate: str | None = Field(
        default=None,
        description="the certificate of the browser's signing key for this session (JSON)",
    )


class SignInRecord(SQLModel, table=True):
    """The record of sign-ins: each sign-in, sign-out, failure and lock-out, with its time."""

    __tablename__ = "sign_in"

    id: int | None = Field(default=None, primary_key=True)
    officer_id: str = Field(index=True)
    event: str = Field(description="signed_in | signed_out | failed | locked | enrolled | …")
    session_id: str | None = None
    at: datetime = Field(index=True)


class CounterSetRecord(SQLModel, table=True):
    """A one-stop unit's counters as the catalogue's counters file published them
    (UnitCounters as JSON): hours, slot length, places per counter, procedures received."""

    __tablename__ = "counter_set"

    agency: str = Field(primary_key=True)
    unit: str = Field(primary_key=True)
    body: dict = Field(sa_column=Column(JSON, nullable=False))  # type: ignore[type-arg]
    published_at: datetime


class BookingRecord(SQLModel, table=True):
    """A citizen's appointment at a counter (đặt lịch hẹn). A booking holds one place of one slot
    of one counter: the unique (agency, unit, counter, slot_start, place) is what keeps a slot
    within its capacity, whatever the number of requests at once; a cancelled booking lets its
    place go (place NULL). Name, phone and identity number are personal data: never logged, read
    only by the unit's officers."""

    __tablename__ = "booking"
    __table_args__ = (
        UniqueConstraint(
            "agency", "unit", "counter", "slot_start", "place", name="uq_booking_place"
        ),
    )

    code: str = Field(primary_key=True)
    agency: str = Field(index=True)
    unit: str
    counter: str
    procedure_code: str = Field(index=True)
    slot_start: datetime = Field(index=True)
    place: int | None = None
    status: str = Field(description="booked | checked_in | no_show | started | cancelled")
    name: str
    phone: str
    id_number: str = Field(index=True)
    email: str | None = None
    created_at: datetime
    checked_in_at: datetime | None = None
    closed_at: datetime | None = Field(
        default=None, description="when it was cancelled, marked a no-show or its dossier started"
    )
    dossier_code: str | None = Field(default=None, index=True)
    checked_in_by: str | None = None


class BookingHolderRecord(SQLModel, table=True):
    """One row per identity number that has booked: a booking's transaction locks it before it
    counts that person's future bookings and adds its own, so that a person's requests at once
    are counted one after the other and never hold more than the limit together."""

    __tablename__ = "booking_holder"

    id_number: str = Field(primary_key=True)
    locked_at: datetime | None = None
