"""Certificates for a Compose deployment's Temporal frontend (mTLS), made with `cryptography`.

One CA signs everything: the frontend's server certificate (host name `temporal`, also good as
a client for auto-setup's own admin tools inside that container), one client certificate that
all of hoso's services share, and one for the Temporal Web UI. hoso's services share one because
they are one program with one authority towards Temporal: the frontend checks only that a client
holds a certificate of the CA (it has no per-certificate authorisation), so one certificate per
service would grant nothing less to any of them; the UI's is apart so that it can be rotated or
withdrawn without touching hoso. Keys are ECDSA P-256, every file private (0600) and never
overwritten: making new ones is a rotation (docs/operations.md).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from support.private_files import private_folder, write_private

SERVER_NAME = "temporal"
CA = "ca"
FRONTEND = "frontend"
HOSO = "hoso"
UI = "ui"
NAMES = (CA, FRONTEND, HOSO, UI)


class CertificateFolderError(RuntimeError):
    """The folder already holds certificates: they are not overwritten."""


@dataclass(frozen=True)
class Issued:
    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey


def files(folder: Path) -> list[Path]:
    """Every file the command writes: NAME.pem (certificate) and NAME.key (its private key)."""
    return [folder / f"{name}.{suffix}" for name in NAMES for suffix in ("pem", "key")]


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "hoso"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _builder(
    subject: str, issuer: x509.Name, key: ec.EllipticCurvePrivateKey, days: int
) -> x509.CertificateBuilder:
    now = datetime.now(UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=days))
    )


def make_ca(days: int, common_name: str = "hoso Temporal CA") -> Issued:
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        _builder(common_name, _name(common_name), key, days)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return Issued(certificate, key)


def issue(ca: Issued, common_name: str, days: int, *, hosts: tuple[str, ...] = ()) -> Issued:
    """A leaf certificate signed by `ca`: a server's for `hosts` (and a client's too), or a
    client's only when no host is given."""
    key = ec.generate_private_key(ec.SECP256R1())
    usages = [ExtendedKeyUsageOID.CLIENT_AUTH]
    builder = _builder(common_name, ca.certificate.subject, key, days).add_extension(
        x509.BasicConstraints(ca=False, path_length=None), critical=True
    )
    if hosts:
        usages.append(ExtendedKeyUsageOID.SERVER_AUTH)
        builder = builder.add_extension(
            x509.SubjectAlternativeName([_general_name(host) for host in hosts]), critical=False
        )
    certificate = builder.add_extension(x509.ExtendedKeyUsage(usages), critical=False).sign(
        ca.key, hashes.SHA256()
    )
    return Issued(certificate, key)


def _general_name(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def _write(folder: Path, name: str, issued: Issued) -> None:
    write_private(
        folder / f"{name}.pem", issued.certificate.public_bytes(serialization.Encoding.PEM)
    )
    write_private(
        folder / f"{name}.key",
        issued.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )


def make_certificates(
    folder: Path, *, days: int = 365, hosts: tuple[str, ...] = (SERVER_NAME,)
) -> list[Path]:
    """Writes the CA, the frontend's certificate for `hosts`, hoso's and the UI's client
    certificates into `folder`; refuses, writing nothing, if any of those files exists."""
    present = [path for path in files(folder) if path.exists() or path.is_symlink()]
    if present:
        raise CertificateFolderError(
            f"{folder} already holds {', '.join(path.name for path in present)}: not"
            " overwritten (to rotate, make new ones in another folder)"
        )
    private_folder(folder)
    ca = make_ca(days)
    _write(folder, CA, ca)
    _write(folder, FRONTEND, issue(ca, hosts[0], days, hosts=hosts))
    _write(folder, HOSO, issue(ca, "hoso", days))
    _write(folder, UI, issue(ca, "temporal-ui", days))
    return files(folder)
