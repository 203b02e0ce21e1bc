"""`hoso temporal-certs FOLDER`: the certificates of a Compose deployment's Temporal frontend."""

from __future__ import annotations

import ssl
from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID
from typer.testing import CliRunner

from starter import app


def test_the_command_writes_a_ca_and_certificates_that_verify_and_never_overwrites(
    runner: CliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "certs"
    made = runner.invoke(app, ["temporal-certs", str(folder), "--days", "30"])
    assert made.exit_code == 0, made.output
    assert "8 files written" in made.output and "keep it off the servers" in made.output
    names = sorted(path.name for path in folder.iterdir())
    assert names == sorted(
        f"{n}.{s}" for n in ("ca", "frontend", "hoso", "ui") for s in ("pem", "key")
    )
    assert {path.stat().st_mode & 0o777 for path in folder.iterdir()} == {0o600}
    assert folder.stat().st_mode & 0o777 == 0o700

    frontend = x509.load_pem_x509_certificate((folder / "frontend.pem").read_bytes())
    names_ = frontend.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names_.get_values_for_type(x509.DNSName) == ["temporal"]
    hoso = x509.load_pem_x509_certificate((folder / "hoso.pem").read_bytes())
    usages = hoso.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(usages) == [ExtendedKeyUsageOID.CLIENT_AUTH]  # a client's, not a server's
    # Python's own TLS accepts the pairs: the key matches its certificate, the chain the CA.
    context = ssl.create_default_context(cafile=folder / "ca.pem")
    context.load_cert_chain(folder / "hoso.pem", folder / "hoso.key")

    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    again = runner.invoke(app, ["temporal-certs", str(folder)])
    assert again.exit_code == 1
    assert "not overwritten" in again.output
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before
