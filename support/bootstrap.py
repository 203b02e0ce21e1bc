"""The bundled catalogue published by this machine's issuer key: what `hoso up` loads in
development (no manual step), the tests' and benchmarks' catalogue too."""

from __future__ import annotations

from sqlmodel import Session

from config import Settings
from support.calendar_publications import province_agency, publish_calendar, published_file
from support.calendars import CALENDAR_FILE, load_calendar_changes
from support.catalogue import LoadReport, publish_paths
from support.publishers import machine_publisher


def publish_bundled(session: Session, settings: Settings) -> LoadReport:
    """The procedures folder's officers, agencies, procedures and calendar, signed by the issuer
    key (created on first use in development). The bundled calendar is recorded as the one in
    force unless an administrator published one since (`verify --catalogue` checks that one)."""
    publisher = machine_publisher(settings)
    report = publish_paths(session, [settings.procedures_dir], publisher=publisher)
    bundled = settings.procedures_dir / CALENDAR_FILE
    if bundled.is_file() and not published_file(settings).is_file():
        changes = load_calendar_changes(bundled)
        agency = province_agency(settings)
        publish_calendar(session, settings, changes, publisher, agency, serve=False)
    return report
