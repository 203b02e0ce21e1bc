"""A font subset made once per set of glyphs, not once per form.

fpdf2 embeds in every PDF the subset of each font that the document draws: fontTools reads the
font's glyphs, keeps those drawn and writes a new font file, about two thirds of a form's CPU.
Forms draw nearly the same glyphs (`pdf.COMMON_CHARACTERS` are in every form), so a renderer keeps
the subsets it has made and hands the same bytes to the next form that draws the same glyphs.

fpdf2 asks `fontTools.subset` for the subset when it writes the PDF; `install()` gives its output
module this stand-in, which answers from what it has kept for a `FormFont` and leaves any other
font to fontTools. A kept subset is exactly the bytes fontTools gives for the same font, glyphs and
options (a test compares them), so a form's bytes — its hash, its seal — do not depend on the
forms rendered before it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from typing import IO, Any

import fpdf.output
from fontTools import subset as fonttools_subset
from fontTools.ttLib import TTFont

KEPT = 64  # subsets kept per renderer (each ~25 KB and its glyph ids): under 2 MB


@dataclass(frozen=True)
class Subset:
    """A subset font file and the glyph ids in it."""

    data: bytes
    glyph_ids: dict[str, int]


class FormFont(TTFont):  # type: ignore[misc]  # fontTools is untyped
    """One form's copy of a font file (`source` names the file). Once its subset is known, it
    writes that subset and answers glyph ids from it, as the subset font itself would."""

    def __init__(self, data: bytes, source: str) -> None:
        super().__init__(BytesIO(data), recalcTimestamp=False, lazy=True)
        self.source = source
        self.known: Subset | None = None

    def getGlyphID(self, glyphName: str) -> int:  # fontTools' names
        if self.known is None:
            return super().getGlyphID(glyphName)  # type: ignore[no-any-return]
        return self.known.glyph_ids[glyphName]

    def save(self, file: IO[bytes], *args: Any, **kwargs: Any) -> None:
        if self.known is None:
            super().save(file, *args, **kwargs)
        else:
            file.write(self.known.data)


_kept: dict[tuple[str, frozenset[str], str], Subset] = {}
_lock = threading.Lock()


def _keep(key: tuple[str, frozenset[str], str], subset: Subset) -> None:
    with _lock:
        if len(_kept) >= KEPT:
            del _kept[next(iter(_kept))]  # the oldest
        _kept[key] = subset


class Subsetter:
    """`fontTools.subset.Subsetter` as fpdf2 uses it (`populate(glyphs=…)`, then `subset(font)`)."""

    def __init__(self, options: fonttools_subset.Options) -> None:
        self._options = options
        self._glyphs: frozenset[str] = frozenset()

    def populate(self, *, glyphs: Iterable[str]) -> None:
        self._glyphs = frozenset(glyphs)

    def _subset_by_fonttools(self, font: TTFont) -> None:
        subsetter = fonttools_subset.Subsetter(self._options)
        subsetter.populate(glyphs=self._glyphs)
        subsetter.subset(font)

    def subset(self, font: TTFont) -> None:
        if not isinstance(font, FormFont):
            self._subset_by_fonttools(font)
            return
        key = (font.source, self._glyphs, repr(sorted(vars(self._options).items())))
        kept = _kept.get(key)
        if kept is None:
            self._subset_by_fonttools(font)
            written = BytesIO()
            font.save(written)
            order = font.getGlyphOrder()
            kept = Subset(written.getvalue(), {name: i for i, name in enumerate(order)})
            _keep(key, kept)
        font.known = kept


class _FontToolsSubset:
    """What fpdf2's output module uses of `fontTools.subset`."""

    Options = fonttools_subset.Options
    Subsetter = Subsetter


def install() -> None:
    """fpdf2's PDF output asks this module for font subsets (once per process)."""
    fpdf.output.ftsubset = _FontToolsSubset  # type: ignore[attr-defined]


def forget() -> None:
    """Drops the kept subsets (tests compare with subsets made afresh)."""
    with _lock:
        _kept.clear()
