"""TLS for hoso's Temporal client: the frontend's CA, hoso's client certificate and its key, read
from the files the settings name (the key also from the secret file hoso_temporal_tls_key).

Nothing here logs or shows the key: an error names the setting and the file, never the content."""

from __future__ import annotations

from pathlib import Path

from temporalio.service import TLSConfig

from config import Settings

PEM = b"-----BEGIN "


class TemporalTlsError(RuntimeError):
    """A certificate or key the settings name cannot be read."""


def _read(path: Path, setting: str) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TemporalTlsError(f"{setting}={path}: cannot read it ({exc.strerror})") from None
    if PEM not in data:
        raise TemporalTlsError(f"{setting}={path}: not a PEM file")
    return data


def _client_key(settings: Settings) -> bytes | None:
    if settings.temporal_tls_key_file is not None:
        return _read(settings.temporal_tls_key_file, "HOSO_TEMPORAL_TLS_KEY_FILE")
    if settings.temporal_tls_key is not None:
        data = settings.temporal_tls_key.get_secret_value().strip().encode() + b"\n"
        if PEM not in data:
            raise TemporalTlsError("the secret hoso_temporal_tls_key is not a PEM private key")
        return data
    return None


def tls_config(settings: Settings) -> TLSConfig | None:
    """The client's TLS, or None where the settings give none (development, a trusted network)."""
    if not settings.temporal_tls:
        return None
    ca = settings.temporal_tls_ca_file
    cert = settings.temporal_tls_cert_file
    return TLSConfig(
        server_root_ca_cert=_read(ca, "HOSO_TEMPORAL_TLS_CA_FILE") if ca else None,
        client_cert=_read(cert, "HOSO_TEMPORAL_TLS_CERT_FILE") if cert else None,
        client_private_key=_client_key(settings),
        domain=settings.temporal_tls_server_name,
    )
