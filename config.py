"""hoso's settings: environment variables with the prefix HOSO_ (pydantic-settings), or files.

With HOSO_SECRETS_DIR (Compose mounts its secrets at /run/secrets), a file there named after a
variable in lower case (`hoso_encryption_keys`) gives that setting, so a secret need not be in any
process's environment (nor in the form renderer's, which inherits it). A variable that is set and
not empty wins over the file. A `.env` file is read only where HOSO_ENV_FILE names it, and never
for keys, tokens or passwords: a file planted in the current folder changes nothing.
"""

from __future__ import annotations

import ipaddress
import os
from functools import lru_cache
from pathlib import Path

from dotenv import dotenv_values
from limits import parse
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

from models.continuation import CONTINUE_AFTER_BYTES, CONTINUE_AFTER_EVENTS


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="HOSO_", env_file=None, extra="ignore", env_ignore_empty=True
    )

    environment: str = Field(default="development", description="development | production")
    log_level: str = Field(default="WARNING", description="log level of CLI commands (stderr)")
    temporal_address: str = Field(
        default="127.0.0.1:7233", description="Temporal frontend host:port"
    )
    temporal_namespace: str = Field(default="default", description="Temporal namespace")
    temporal_tls_ca_file: Path | None = Field(
        default=None,
        description="CA certificate (PEM) that signed the Temporal frontend's; unset: the system's",
    )
    temporal_tls_cert_file: Path | None = Field(
        default=None, description="hoso's client certificate (PEM) for Temporal's frontend (mTLS)"
    )
    temporal_tls_key_file: Path | None = Field(
        default=None, description="its private key (PEM); or the secret file hoso_temporal_tls_key"
    )
    temporal_tls_key: SecretStr | None = Field(
        default=None,
        description="the client certificate's private key itself (best as the secret file "
        "hoso_temporal_tls_key: then it is in no process's environment)",
    )
    temporal_tls_server_name: str | None = Field(
        default=None,
        description="name the frontend's certificate is checked against; default its host",
    )
    temporal_insecure_plaintext: bool = Field(
        default=False,
        description="RISK: talk to a Temporal frontend off this machine without TLS (only on a"
        " network where nobody else can reach it)",
    )
    temporal_ui_port: int = Field(default=8233, description="Web UI port of the embedded server")
    task_queue: str = Field(
        default="hoso",
        pattern=r"^[A-Za-z0-9._:/-]{1,200}$",
        description="task queue of the dossier workers (letters, digits, . _ : / -)",
    )
    data_dir: Path = Field(default=Path("data"), description="folder for the embedded state")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default a SQLite file in the data folder"
    )
    database_password: SecretStr | None = Field(
        default=None,
        description="password of the database URL's user, for a URL without one (best as the "
        "secret file hoso_database_password: then it is in no process's environment)",
    )
    document_dir: Path | None = Field(
        default=None, description="document store root; default <data_dir>/documents"
    )
    max_document_bytes: int = Field(default=50 * 1024 * 1024, description="per document")
    notification_channel: str = Field(default="log", description="log | smtp")
    smtp_host: str = Field(default="127.0.0.1", description="SMTP server host")
    smtp_port: int = Field(default=25, description="SMTP server port")
    smtp_sender: str = Field(default="hoso@localhost", description="From address of emails")
    sms_gateway_url: str | None = Field(
        default=None,
        description="HTTP SMS gateway the applicants' notices also go through (POST JSON "
        "{to, text, reference}, bearer token); unset: no SMS",
    )
    sms_gateway_token: SecretStr | None = Field(
        default=None,
        description="bearer token of the SMS gateway (best as the secret file "
        "hoso_sms_gateway_token)",
    )
    sms_unicode: bool = Field(
        default=False,
        description="the gateway takes UCS-2: texts keep their diacritics (at most 2 parts of 67 "
        "characters); else they go without, in one 160-character GSM-7 part",
    )
    payment_gateway_url: str | None = Field(
        default=None,
        pattern=r"^https?://[^\s]+$",
        description="the payment gateway's page applicants are sent to (VNPAY 2.1.0 redirect, "
        "e.g. https://pay.vnpay.vn/vpcpay.html); unset: fees are paid at the counter only",
    )
    payment_query_url: str | None = Field(
        default=None,
        pattern=r"^https?://[^\s]+$",
        description="the gateway's transaction query API (querydr), asked about payments whose "
        "IPN did not come",
    )
    payment_query_after_seconds: float = Field(
        default=300,
        gt=0,
        le=86400,
        description="an attempt to pay still open this long after it started is asked of the "
        "gateway (querydr), then again at most once each such period while it stays open",
    )
    payment_query_poll_seconds: float = Field(
        default=30,
        gt=0,
        le=3600,
        description="how often the worker's reconciliation looks for attempts to ask about",
    )
    payment_query_batch: int = Field(
        default=20, ge=1, le=500, description="attempts the reconciliation asks about a round"
    )
    payment_merchant: str | None = Field(
        default=None, description="hoso's merchant code at the gateway (vnp_TmnCode)"
    )
    payment_hash_secret: SecretStr | None = Field(
        default=None,
        description="the merchant's hash secret the gateway signs with (best as the secret file "
        "hoso_payment_hash_secret)",
    )
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        pattern=r"^https?://[^\s]+$",
        description="hoso's public address: where the gateway sends applicants back and its IPN",
    )
    worker_max_concurrent_workflow_tasks: int = Field(
        default=100,
        ge=1,
        description="workflow tasks one worker runs at once (a few per core are enough)",
    )
    worker_max_concurrent_activities: int = Field(
        default=15,
        ge=1,
        description="activities one worker runs at once; at most its 15 database connections",
    )
    worker_max_cached_workflows: int = Field(
        default=1000,
        ge=0,
        description="sticky cache: open dossiers a worker keeps in memory between their tasks",
    )
    worker_form_processes: int = Field(
        default=1,
        ge=0,
        description="processes rendering forms as PDF beside the worker (0: in the worker's own)",
    )
    worker_graceful_shutdown_seconds: float = Field(
        default=10.0,
        ge=0,
        description="on SIGTERM, how long running activities may finish before they are cancelled",
    )
    procedures_dir: Path = Field(
        default=Path(__file__).parent / "procedures", description="sample procedures loaded by up"
    )
    encryption_keys: str | None = Field(
        default=None,
        description="payload encryption keyring: id1:base64key,id2:base64key (AES-256, 32 bytes)",
    )
    encryption_key_id: str | None = Field(
        default=None, description="id of the keyring key used to encrypt new payloads"
    )
    keys_dir: Path | None = Field(
        default=None,
        description="issuer and seal keys (Ed25519, PEM); default <data_dir>/keys",
    )
    action_wait_seconds: float = Field(
        default=60,
        gt=0,
        le=3600,
        description="how long an officer's command waits for the dossier to answer an action",
    )
    continue_after_events: int = Field(
        default=CONTINUE_AFTER_EVENTS,
        ge=100,
        le=40_000,
        description="a dossier's run continues as new once its history has this many events"
        " (Temporal terminates at 51,200); set for the dossiers intake starts",
    )
    continue_after_bytes: int = Field(
        default=CONTINUE_AFTER_BYTES,
        ge=100_000,
        le=40_000_000,
        description="… or this many bytes (Temporal terminates at 50 MB)",
    )
    token_days: int = Field(default=90, ge=1, le=366, description="validity of officer tokens")
    token: str | None = Field(
        default=None, description="the officer's token (prefer HOSO_TOKEN_FILE: not in `ps`)"
    )
    token_file: Path | None = Field(default=None, description="file holding the officer's token")
    codec_server_port: int = Field(default=8089, description="port of `hoso codec-server`")
    api_url: str = Field(
        default="http://127.0.0.1:8000",
        pattern=r"^https?://[^\s]+$",
        description="the hoso API the CLI's dossier, officer and operator commands are clients of",
    )
    cli_cache_dir: Path | None = Field(
        default=None,
        description="where the CLI remembers the stages its last worklist showed"
        " (default $XDG_CACHE_HOME/hoso, else ~/.cache/hoso)",
    )
    api_host: str = Field(default="127.0.0.1", description="address `hoso serve` listens on")
    api_port: int = Field(default=8000, ge=1, le=65535, description="port of the HTTP API")
    api_max_request_bytes: int = Field(
        default=1024 * 1024, ge=1024, description="largest request body but a submission's"
    )
    api_max_dossier_bytes: int = Field(
        default=200 * 1024 * 1024,
        ge=1024,
        description="largest submission (the dossier and all its documents, multipart)",
    )
    api_signature_seconds: int = Field(
        default=60, ge=5, le=600, description="how long a signed API request stays valid"
    )
    api_trust_seconds: float = Field(
        default=5,
        ge=0,
        le=60,
        description="how long the API remembers a certificate it found trustworthy (0: never):"
        " a token revoked, or an officer changed, by another process is refused within it",
    )
    api_rate_lookups: str = Field(
        default="30/minute",
        description="public lookups (code + secret) per client address, as `N/second|minute|hour`",
    )
    api_rate_submissions: str = Field(
        default="120/minute", description="submissions per submitting account (portal or officer)"
    )
    api_rate_failed_authentications: str = Field(
        default="10/minute",
        description="failed authentications per client address before its requests wait",
    )
    appointments_per_person: int = Field(
        default=3,
        ge=1,
        le=20,
        description="future bookings at the counters one identity number may hold at once",
    )
    appointments_days_ahead: int = Field(
        default=30, ge=1, le=180, description="how many days ahead a citizen may book a slot"
    )
    api_rate_bookings: str = Field(
        default="20/minute",
        description="public booking requests (book, move, cancel, look up) per client address",
    )
    api_rate_storage: str = Field(
        default="async+memory://",
        description="where the rate counts live: one API process's memory, or a store shared"
        " by several (`async+redis://host:6379`)",
    )
    api_trusted_proxies: str = Field(
        default="",
        description="addresses of the reverse (TLS) proxies in front of `hoso serve` whose"
        " X-Forwarded-For and X-Forwarded-Proto are believed, comma-separated; empty: the"
        " connection's address and scheme are the client's",
    )
    province_agencies: str = Field(
        default="trung-tam-hcc",
        description="agencies whose operators serve the whole province and read every agency's"
        " dossiers (a public administration service centre), comma-separated",
    )
    webhook_poll_seconds: float = Field(
        default=1.0, gt=0, le=60, description="how often the webhook relay looks for due deliveries"
    )
    webhook_batch: int = Field(
        default=100, ge=1, le=1000, description="deliveries the relay claims and posts at once"
    )
    webhook_timeout_seconds: float = Field(
        default=10, gt=0, le=60, description="how long a portal may take to answer a delivery"
    )
    webhook_retry_seconds: float = Field(
        default=5, gt=0, description="wait before a failed delivery's first retry (then doubled)"
    )
    webhook_retry_max_seconds: float = Field(
        default=3600, gt=0, description="longest wait between two attempts of a delivery"
    )
    webhook_max_attempts: int = Field(
        default=30,
        ge=1,
        description="attempts before a delivery is given up (then listed as failing, replayable)",
    )
    web_idle_minutes: int = Field(
        default=30, ge=1, le=480, description="a web session unused this long ends"
    )
    web_session_hours: int = Field(
        default=10, ge=1, le=24, description="a web session ends this long after sign-in"
    )
    web_lockout_attempts: int = Field(
        default=5, ge=1, le=50, description="failed sign-ins in a row before an account locks"
    )
    web_lockout_seconds: int = Field(
        default=60,
        ge=1,
        le=3600,
        description="first lock-out; each failure after it doubles the wait (at most a day)",
    )
    web_refresh_seconds: int = Field(
        default=30, ge=1, le=3600, description="how often an open worklist page refreshes itself"
    )
    oidc_issuer: str | None = Field(
        default=None,
        description="the agency's single sign-on (OpenID Connect) issuer URL; unset: no SSO",
    )
    oidc_client_id: str | None = Field(
        default=None, description="hoso's client id at the single sign-on provider"
    )
    oidc_client_secret: SecretStr | None = Field(
        default=None,
        description="hoso's client secret at the provider (best as the secret file "
        "hoso_oidc_client_secret); it also keys the PKCE verifiers hoso derives",
    )
    oidc_officer_claim: str = Field(
        default="preferred_username",
        pattern=r"^[A-Za-z0-9_:.-]{1,100}$",
        description="the ID token's claim that holds the officer id of the registry",
    )
    oidc_password_sign_in: bool = Field(
        default=True,
        description="with single sign-on configured, officers may still sign in with a password",
    )
    codec_server_origins: str = Field(
        default="http://localhost:8233,http://127.0.0.1:8233",
        description="Web UI origins allowed to call the codec server (CORS), comma-separated",
    )

    @field_validator(
        "api_rate_lookups",
        "api_rate_submissions",
        "api_rate_failed_authentications",
        "api_rate_bookings",
    )
    @classmethod
    def _rate(cls, value: str) -> str:
        try:
            parse(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a rate such as 30/minute") from None
        return value

    @model_validator(mode="after")
    def _sms_gateway_token(self) -> Settings:
        if self.sms_gateway_url and not (
            self.sms_gateway_token and self.sms_gateway_token.get_secret_value().strip()
        ):
            raise ValueError(
                "HOSO_SMS_GATEWAY_URL is set but HOSO_SMS_GATEWAY_TOKEN is not (the secret file "
                "hoso_sms_gateway_token?)"
            )
        return self

    @model_validator(mode="after")
    def _payment_gateway_whole(self) -> Settings:
        if self.payment_gateway_url and not (
            self.payment_merchant
            and self.payment_hash_secret
            and self.payment_hash_secret.get_secret_value().strip()
        ):
            raise ValueError(
                "HOSO_PAYMENT_GATEWAY_URL is set but HOSO_PAYMENT_MERCHANT or "
                "HOSO_PAYMENT_HASH_SECRET is not (the secret file hoso_payment_hash_secret?)"
            )
        return self

    @model_validator(mode="after")
    def _one_database_password(self) -> Settings:
        if self.database_password is None:
            return self
        if not self.database_password.get_secret_value().strip():
            raise ValueError("HOSO_DATABASE_PASSWORD is empty (the file hoso_database_password?)")
        if not self.database_url:
            raise ValueError("HOSO_DATABASE_PASSWORD is set but HOSO_DATABASE_URL is not")
        if make_url(self.database_url).password is not None:
            raise ValueError(
                "HOSO_DATABASE_URL holds a password and HOSO_DATABASE_PASSWORD gives one too: "
                "keep one of them (the password file, so that it is in no environment)"
            )
        return self

    @model_validator(mode="after")
    def _single_sign_on(self) -> Settings:
        given = [self.oidc_issuer, self.oidc_client_id, self.oidc_client_secret]
        if not any(given):
            return self
        if not all(given):
            raise ValueError(
                "single sign-on needs HOSO_OIDC_ISSUER, HOSO_OIDC_CLIENT_ID and the client "
                "secret (the file hoso_oidc_client_secret) together"
            )
        issuer = self.oidc_issuer or ""
        if not issuer.startswith("https://") and self.environment != "development":
            raise ValueError("HOSO_OIDC_ISSUER must be an https:// URL outside development")
        return self

    @model_validator(mode="after")
    def _temporal_tls(self) -> Settings:
        keys = [self.temporal_tls_key_file, self.temporal_tls_key]
        if all(keys):
            raise ValueError(
                "HOSO_TEMPORAL_TLS_KEY_FILE and the secret hoso_temporal_tls_key both give the"
                " Temporal client key: keep one"
            )
        if bool(self.temporal_tls_cert_file) != any(keys):
            raise ValueError(
                "Temporal's client certificate (HOSO_TEMPORAL_TLS_CERT_FILE) and its key"
                " (HOSO_TEMPORAL_TLS_KEY_FILE or the secret hoso_temporal_tls_key) go together"
            )
        trusted = self.temporal_tls or self.temporal_insecure_plaintext
        if self.environment == "development" or trusted:
            return self
        if not loopback_address(self.temporal_address):
            raise ValueError(
                f"HOSO_TEMPORAL_ADDRESS={self.temporal_address} is off this machine and has no"
                " TLS: set HOSO_TEMPORAL_TLS_CA_FILE, HOSO_TEMPORAL_TLS_CERT_FILE and the key"
                " (docs/operations.md), or HOSO_TEMPORAL_INSECURE_PLAINTEXT=true on a network"
                " nobody else reaches"
            )
        return self

    @property
    def temporal_tls(self) -> bool:
        """Whether hoso's Temporal client speaks TLS (with a client certificate: mTLS)."""
        return bool(self.temporal_tls_ca_file or self.temporal_tls_cert_file)

    @property
    def single_sign_on(self) -> bool:
        """Whether officers may sign in through the agency's OpenID Connect provider."""
        return bool(self.oidc_issuer and self.oidc_client_id and self.oidc_client_secret)

    @property
    def password_sign_in(self) -> bool:
        """Whether officers may sign in with a password and TOTP (always, without SSO)."""
        return self.oidc_password_sign_in or not self.single_sign_on

    @property
    def resolved_database_url(self) -> str:
        """The URL to connect with: HOSO_DATABASE_URL with HOSO_DATABASE_PASSWORD in it, or the
        SQLite file of the data folder. It holds the password: never log or show it."""
        if not self.database_url:
            return f"sqlite:///{(self.data_dir / 'hoso.db').resolve()}"
        if self.database_password is None:
            return self.database_url
        url = make_url(self.database_url).set(password=self.database_password.get_secret_value())
        return url.render_as_string(hide_password=False)

    @property
    def resolved_document_dir(self) -> Path:
        return self.document_dir or self.data_dir / "documents"

    @property
    def resolved_keys_dir(self) -> Path:
        return self.keys_dir or self.data_dir / "keys"

    @property
    def temporal_db_file(self) -> Path:
        return self.data_dir / "temporal.db"


def loopback_address(address: str) -> bool:
    """Whether host:port names this machine (localhost, 127.0.0.0/8, ::1)."""
    host = address.rpartition(":")[0].strip("[]").lower()
    if host in ("", "localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


SECRETS_DIR_VARIABLE = "HOSO_SECRETS_DIR"
ENV_FILE_VARIABLE = "HOSO_ENV_FILE"
# Secrets an env file may not give: keys, tokens and passwords come from the environment or the
# secrets folder, where the operator put them, never from a file that anyone could leave behind.
NEVER_FROM_ENV_FILE = (
    "HOSO_ENCRYPTION_KEYS",
    "HOSO_ENCRYPTION_KEY_ID",
    "HOSO_KEYS_DIR",
    "HOSO_TOKEN",
    "HOSO_TOKEN_FILE",
    "HOSO_DATABASE_PASSWORD",
    "HOSO_DATABASE_URL",
    "HOSO_OIDC_CLIENT_SECRET",
    "HOSO_SMS_GATEWAY_TOKEN",
    "HOSO_TEMPORAL_TLS_KEY",
    "HOSO_TEMPORAL_TLS_KEY_FILE",
    "HOSO_TEMPORAL_INSECURE_PLAINTEXT",
    SECRETS_DIR_VARIABLE,
)


class SettingsFolderError(ValueError):
    """HOSO_SECRETS_DIR names no folder, or HOSO_ENV_FILE no file or one that sets a secret."""


@lru_cache
def get_settings() -> Settings:
    sources: dict[str, str] = {}
    folder = os.environ.get(SECRETS_DIR_VARIABLE)
    if folder:
        if not Path(folder).is_dir():
            raise SettingsFolderError(f"{SECRETS_DIR_VARIABLE}={folder}: no such folder")
        sources["_secrets_dir"] = folder
    env_file = os.environ.get(ENV_FILE_VARIABLE)
    if env_file:
        _check_env_file(Path(env_file))
        sources["_env_file"] = env_file
    return Settings(**sources)  # type: ignore[arg-type]


def _check_env_file(path: Path) -> None:
    if not path.is_file():
        raise SettingsFolderError(f"{ENV_FILE_VARIABLE}={path}: no such file")
    names = {name.upper() for name in dotenv_values(path)}
    refused = [name for name in NEVER_FROM_ENV_FILE if name in names]
    if refused:
        raise SettingsFolderError(
            f"{ENV_FILE_VARIABLE}={path}: sets {', '.join(refused)}; keys, tokens and passwords"
            f" come from the environment or the secrets folder ({SECRETS_DIR_VARIABLE}), never"
            " from an env file"
        )
