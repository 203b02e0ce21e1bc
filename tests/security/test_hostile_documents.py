"""Every format a procedure may ask for has its content checked: a genuine file passes, a file of
another format or a script renamed to it does not (issue 5, "Hostile input")."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from models.procedure import DOCUMENT_FORMATS
from support.document_checks import SIGNATURES, content_problem

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DWG = b"AC1032\x00\x00\x00\x00\x00\x00drawing"


def write_docx(path: Path, folder: str = "word/") -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr(f"{folder}document.xml", "<document/>")


def _sample(fmt: str, path: Path) -> None:
    """A small file whose content is really `fmt`."""
    ooxml = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
    odf = {"odt": "text", "ods": "spreadsheet", "odp": "presentation"}
    if fmt in ooxml:
        write_docx(path, folder=ooxml[fmt])
    elif fmt in odf or fmt == "zip":
        with zipfile.ZipFile(path, "w") as archive:
            mimetype = f"application/vnd.oasis.opendocument.{odf.get(fmt, 'text')}"
            archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
            archive.writestr("content.xml", "<office:document-content/>")
    else:
        heads = {
            "pdf": PDF,
            "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
            "gif": b"GIF89a\x01\x00\x01\x00",
            "tif": b"II*\x00\x08\x00\x00\x00",
            "tiff": b"MM\x00*\x00\x00\x00\x08",
            "dwg": DWG,
        }
        ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 24
        path.write_bytes(heads.get(fmt, ole2) + b"\x00" * 64)


@pytest.mark.parametrize("fmt", DOCUMENT_FORMATS)
def test_every_accepted_format_has_its_content_checked(tmp_path: Path, fmt: str) -> None:
    assert set(SIGNATURES) == set(DOCUMENT_FORMATS)
    genuine = tmp_path / f"genuine.{fmt}"
    _sample(fmt, genuine)
    assert content_problem(genuine, fmt) is None
    for other in DOCUMENT_FORMATS:
        if SIGNATURES[other] != SIGNATURES[fmt]:
            assert content_problem(genuine, other) is not None, f"a .{fmt} passes as .{other}"
    script = tmp_path / f"script.{fmt}"
    script.write_bytes(b"#!/bin/sh\nrm -rf /\n")
    assert f"its content is not {fmt.upper()}" in (content_problem(script, fmt) or "")


def test_same_signature_formats_are_told_apart_by_their_parts(tmp_path: Path) -> None:
    for fmt in ("docx", "xlsx", "pptx", "odt", "ods", "odp"):
        _sample(fmt, tmp_path / f"genuine.{fmt}")
    for fmt in ("docx", "xlsx", "pptx", "odt", "ods", "odp"):
        for other in ("docx", "xlsx", "pptx", "odt", "ods", "odp"):
            problem = content_problem(tmp_path / f"genuine.{fmt}", other)
            assert (problem is None) == (fmt == other), (fmt, other, problem)
