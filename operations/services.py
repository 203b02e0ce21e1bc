"""What the operations need from the process that runs them: settings, the database, the
document store and a Temporal client (connected once, when first needed)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from temporalio.client import Client

from activities.database import make_engine, session_factory
from activities.document_store import DocumentStore
from config import Settings
from operations.request_nonces import RequestNonces
from support.client import connect
from support.intake import Sessions


@dataclass
class Services:
    settings: Settings
    sessions: Sessions
    store: DocumentStore
    _client: Client | None = None
    _connecting: asyncio.Lock = field(default_factory=asyncio.Lock)
    nonces: RequestNonces = field(init=False)

    def __post_init__(self) -> None:
        self.nonces = RequestNonces(self.sessions)

    @classmethod
    def from_settings(cls, settings: Settings, client: Client | None = None) -> Services:
        """The database of the settings (its schema migrated already: `hoso db upgrade`, or
        `hoso up`) and their document store."""
        engine = make_engine(settings.resolved_database_url)
        store = DocumentStore(settings.resolved_document_dir)
        return cls(settings, session_factory(engine), store, client)

    async def client(self) -> Client:
        """The Temporal client; TemporalUnreachable when the server does not answer."""
        async with self._connecting:
            if self._client is None:
                self._client = await connect(self.settings, attempts=1)
            return self._client
