"""Intake's own key: it seals every submission intake accepted, and only a sealed submission of a
published procedure starts a dossier (models/intake.py, activities/trust.py).

The key is `intake-<id>.key` in the keys folder (0600), the newest one sealing; workers trust
every `intake-<id>.pub` beside it. In development one is created on first use; elsewhere it must
be installed (an Ed25519 pair in the format of `activities.keys.create_key_pair`), never created
silently.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from activities.keys import KeyFileError, create_key_pair, load_private_key, raw_public
from config import Settings
from models.credentials import b64
from models.dossier import DossierSubmission, IntakeSeal
from models.intake import SubmissionCheck

DEV_INTAKE_ID = "dev"
PREFIX = "intake-"


class IntakeKeyError(RuntimeError):
    """No intake key where one is needed, or one that cannot be read."""


class IntakeSealer:
    """Seals the submissions intake accepted."""

    def __init__(self, key_id: str, key: Ed25519PrivateKey) -> None:
        self.key_id = key_id
        self.key = key

    @classmethod
    def from_settings(cls, settings: Settings) -> IntakeSealer:
        """The newest `intake-<id>.key` of the keys folder; in development one is created."""
        folder = settings.resolved_keys_dir
        found = sorted(folder.glob(f"{PREFIX}*.key")) if folder.is_dir() else []
        if not found:
            if settings.environment != "development":
                raise IntakeKeyError(
                    f"no intake key in {folder}: install intake-<id>.key (0600) on the host that"
                    " runs intake and its .pub on every worker (refusing to create one outside"
                    " development)"
                )
            return cls.create(folder, DEV_INTAKE_ID)
        path = max(found, key=lambda p: p.stat().st_mtime)
        try:
            return cls(path.stem.removeprefix(PREFIX), load_private_key(path))
        except KeyFileError as exc:
            raise IntakeKeyError(str(exc)) from exc

    @classmethod
    def create(cls, folder: Path, key_id: str) -> IntakeSealer:
        """A new intake key pair in `folder`; an existing pair of that id is kept."""
        return cls(key_id, create_key_pair(folder, f"{PREFIX}{key_id}"))

    @property
    def public_key(self) -> str:
        return raw_public(self.key.public_key())

    def seal(self, submission: DossierSubmission) -> DossierSubmission:
        """`submission` (its final code, documents and procedure) with intake's seal."""
        unsealed = submission.model_copy(update={"seal": None})
        message = SubmissionCheck.of(unsealed).sealed_bytes()
        seal = IntakeSeal(key_id=self.key_id, signature=b64(self.key.sign(message)))
        return unsealed.model_copy(update={"seal": seal})
