"""Documents checked at the edge, before one byte of them is stored.

A document named by a dossier file or a `--doc` option must be inside the dossier folder (a
relative path, no '..', no symbolic link, no hidden characters), a regular non-empty file under the
size limit, of a kind and format the procedure asks for, and its content must really be that
format: its magic bytes, and for Office and OpenDocument files the parts their archive holds.
"""

from __future__ import annotations

import re
import stat
import unicodedata
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from pydantic import BaseModel, TypeAdapter, ValidationError

from models.dossier import MAX_DOCUMENTS, Name
from models.procedure import DOCUMENT_FORMATS, DocumentSpec, Identifier, Procedure
from support.errors import IntakeError, shown


class CheckedDocument(BaseModel):
    kind: str
    path: Path
    size: int
    format: str


# --- what a document's content must begin with ---------------------------------------------------

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office (doc, xls, ppt)
ZIP = b"PK\x03\x04"
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "tif": (b"II*\x00", b"MM\x00*"),
    "tiff": (b"II*\x00", b"MM\x00*"),
    "doc": (OLE2,),
    "xls": (OLE2,),
    "ppt": (OLE2,),
    "dwg": (b"AC10",),  # then two digits: the AutoCAD release (AC1032 = 2018)
    "docx": (ZIP,),
    "xlsx": (ZIP,),
    "pptx": (ZIP,),
    "odt": (ZIP,),
    "ods": (ZIP,),
    "odp": (ZIP,),
    "zip": (ZIP,),
}
OOXML_FOLDERS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
ODF_TYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
    "odp": b"application/vnd.oasis.opendocument.presentation",
}
ALIASES = {"jpeg": "jpg"}
HEAD_BYTES = 128
MAX_PATH = 1000


def content_problem(path: Path, fmt: str) -> str | None:
    """Why the file's content is not `fmt` (its magic bytes, and for Office and OpenDocument files
    the parts their archive must hold), or None when it is."""
    with open(path, "rb") as handle:
        head = handle.read(HEAD_BYTES)
    if not head.startswith(SIGNATURES[fmt]) or (
        fmt == "dwg" and not re.fullmatch(rb"AC10[0-9]{2}", head[:6])
    ):
        return f"its content is not {fmt.upper()} (it does not begin as a .{fmt} file does)"
    if fmt in ODF_TYPES and not (
        head[30:38] == b"mimetype" and head[38:].startswith(ODF_TYPES[fmt])
    ):
        return f"its content is not {fmt.upper()} (no OpenDocument mimetype at its start)"
    if SIGNATURES[fmt] == (ZIP,):
        try:  # reads the central directory only: nothing is decompressed
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
            return f"its content is not {fmt.upper()} (not a readable zip archive)"
        folder = OOXML_FOLDERS.get(fmt)
        if folder and not (
            "[Content_Types].xml" in names and any(name.startswith(folder) for name in names)
        ):
            return f"its content is not {fmt.upper()} (a zip archive without {folder} parts)"
    return None


# --- where a document's path may lead ------------------------------------------------------------

_file_name: TypeAdapter[str] = TypeAdapter(Name)
_identifier: TypeAdapter[str] = TypeAdapter(Identifier)


def path_problem(raw: str) -> str | None:
    """Why a document's path, as written, is refused: it must name a file inside the dossier
    folder by a relative path with '/' between folders, without '..' or hidden characters."""
    if not raw.strip():
        return "the path is empty"
    named = f"path '{shown(raw, 200)}'"
    if len(raw) > MAX_PATH:
        return f"{named} is longer than {MAX_PATH} characters"
    for char in raw:
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            if char == "\x00":
                return f"{named} contains a NUL character"
            return f"{named} contains a control or invisible character (U+{ord(char):04X})"
    if "\\" in raw:
        return f"{named} contains '\\'; separate folders with '/'"
    if raw.startswith("/") or re.match(r"[A-Za-z]:", raw):
        return f"{named} is absolute; give it relative to the dossier file's folder"
    parts = PurePosixPath(raw).parts
    if ".." in parts:
        return f"{named} is outside the folder of the dossier ('..' climbs out of it)"
    if any(len(part.encode("utf-8", "surrogatepass")) > 255 for part in parts):
        return f"{named} has a file or folder name over 255 bytes"
    return None


def locate_document(root: Path, raw: str) -> Path:
    """The file `raw` names under `root` (a dossier file's folder, or the officer's working
    folder); IntakeError's message is completed by the caller."""
    problem = path_problem(raw)
    if problem is not None:
        raise IntakeError(problem)
    parts = PurePosixPath(raw).parts
    try:
        for depth in range(1, len(parts) + 1):
            if root.joinpath(*parts[:depth]).is_symlink():
                raise IntakeError(
                    f"'{shown(raw, 200)}' goes through a symbolic link; give the file itself"
                )
        path = root.joinpath(*parts).resolve()
        if not path.is_relative_to(root):  # refused above already; a second lock
            raise IntakeError(f"path '{shown(raw, 200)}' is outside the folder {root}")
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise IntakeError(f"file '{shown(raw, 200)}' does not exist") from None
    except OSError as exc:
        raise IntakeError(f"file '{shown(raw, 200)}' cannot be read ({exc.strerror})") from None
    if not stat.S_ISREG(mode):
        raise IntakeError(f"'{shown(raw, 200)}' is not a regular file")
    return path


def check_documents(
    entries: Iterable[tuple[str, str]],
    base_dir: Path,
    procedure: Procedure | None,
    max_bytes: int,
    source: str,
) -> list[CheckedDocument]:
    """Checks each (kind, path): inside `base_dir`, a non-empty regular file under the size limit,
    a kind the procedure declares (any kind when `procedure` is None) in one of its formats (any
    format hoso can check when None), whose content is of that format."""
    specs = {doc.kind: doc for doc in procedure.documents} if procedure else {}
    root = base_dir.resolve()
    checked: list[CheckedDocument] = []
    for index, (kind, raw_path) in enumerate(entries):
        where = f"{source}: documents.{index} ({shown(kind, 63)})"
        if index >= MAX_DOCUMENTS:
            raise IntakeError(f"{source}: documents: more than {MAX_DOCUMENTS} documents")
        try:
            _identifier.validate_python(kind)
            path = locate_document(root, raw_path)
        except ValidationError:
            raise IntakeError(
                f"{where}: not a document kind (lowercase letters, digits, '-' and '_')"
            ) from None
        except IntakeError as exc:
            raise IntakeError(f"{where}: {exc}") from None
        checked.append(_check_file(path, raw_path, kind, procedure, specs, max_bytes, where))
    return checked


def _check_file(
    path: Path,
    raw_path: str,
    kind: str,
    procedure: Procedure | None,
    specs: dict[str, DocumentSpec],
    max_bytes: int,
    where: str,
) -> CheckedDocument:
    named = f"'{shown(raw_path, 200)}'"
    size = path.stat().st_size
    if size == 0:
        raise IntakeError(f"{where}: file {named} is empty")
    if size > max_bytes:
        raise IntakeError(f"{where}: file {named} is {size} bytes, over the limit of {max_bytes}")
    try:
        _file_name.validate_python(path.name)
    except ValidationError:
        raise IntakeError(f"{where}: the file name {named} is over 200 characters") from None
    suffix = path.suffix.lower().lstrip(".")
    fmt = ALIASES.get(suffix, suffix)
    if procedure is not None:
        spec = specs.get(kind)
        if spec is None:
            raise IntakeError(
                f"{where}: procedure {procedure.code} declares no document kind '{kind}' "
                f"(declared: {', '.join(specs)})"
            )
        if fmt not in spec.formats:
            raise IntakeError(
                f"{where}: {named} is not in an accepted format for '{kind}' "
                f"({', '.join(spec.formats)})"
            )
    elif not fmt:
        raise IntakeError(f"{where}: {named} has no file extension")
    elif fmt not in DOCUMENT_FORMATS:
        raise IntakeError(
            f"{where}: {named} is not in a format hoso accepts ({', '.join(DOCUMENT_FORMATS)})"
        )
    problem = content_problem(path, fmt)
    if problem is not None:
        raise IntakeError(f"{where}: {named}: {problem}")
    return CheckedDocument(kind=kind, path=path, size=size, format=fmt)
