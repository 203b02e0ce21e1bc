"""Documents are kept by their SHA-256: written once, whole or not at all, and checked on demand."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from activities.document_store import DocumentNotFound, DocumentStore

PDF = b"%PDF-1.4 bao cao danh gia tac dong moi truong"


def test_a_document_is_addressed_by_its_hash_and_stored_once(store: DocumentStore) -> None:
    sha = store.put(PDF)
    assert sha == hashlib.sha256(PDF).hexdigest()
    assert store.path(sha) == store.root / sha[:2] / sha[2:4] / sha
    assert store.put(PDF) == sha and store.exists(sha) and store.read(sha) == PDF
    stored = [p for p in store.root.rglob("*") if p.is_file()]
    assert stored == [store.path(sha)]  # no temporary file left behind


def test_a_large_file_is_streamed_in_with_its_hash_and_size(
    store: DocumentStore, tmp_path: Path
) -> None:
    source = tmp_path / "ban-ve.dwg"
    data = bytes(range(256)) * 12_000  # about 3 MB: several chunks
    source.write_bytes(data)
    sha, size = store.put_file(source)
    assert (sha, size) == (hashlib.sha256(data).hexdigest(), len(data))
    assert store.put_file(source) == (sha, size)
    assert store.read(sha) == data and store.verify(sha)
    assert len([p for p in store.root.rglob("*") if p.is_file()]) == 1


def test_verify_notices_bytes_changed_on_disk(store: DocumentStore) -> None:
    sha = store.put(PDF)
    assert store.verify(sha)
    store.path(sha).write_bytes(PDF.replace(b"bao cao", b"bao c@o"))
    assert not store.verify(sha)
    assert not store.verify("0" * 64)  # absent: nothing to vouch for


@pytest.mark.parametrize(
    "reference",
    ["../../etc/passwd", "A" * 64, "a" * 63, "a" * 65, "/" + "a" * 63, "a" * 63 + "\n"],
)
def test_a_reference_that_is_not_a_sha256_is_refused(store: DocumentStore, reference: str) -> None:
    for use in (store.read, store.path, store.exists, store.verify):
        with pytest.raises(ValueError, match="not a SHA-256"):
            use(reference)


def test_reading_an_absent_document_says_so(store: DocumentStore) -> None:
    with pytest.raises(DocumentNotFound):
        store.read("f" * 64)
