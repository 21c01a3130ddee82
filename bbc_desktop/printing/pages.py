"""The page of the back office's documents (ledger, 通报, report): a document template and a page-number foot.

Every such PDF carries the program's version in its metadata and starts in an embedded face, so no
unembedded Helvetica is ever listed; the slip (printing/slip.py) has a page of its own.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from bbc_desktop import version

__all__ = ["build", "document"]


def document(
    buffer: io.BytesIO,
    title: str,
    font: str,
    pagesize,
    margins_mm: tuple[float, float, float, float],
    size: float = 11,
):  # type: ignore[no-untyped-def]
    """A SimpleDocTemplate; ``margins_mm`` are left, right, top, bottom."""
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    left, right, top, bottom = margins_mm
    return SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=left * mm,
        rightMargin=right * mm,
        topMargin=top * mm,
        bottomMargin=bottom * mm,
        title=title,
        creator=f"bbc-desktop {version()}",
        producer=f"bbc-desktop {version()}",
        initialFontName=font,
        initialFontSize=size,
    )


def build(doc, story: list, font: str, left_text: str = "", size: float = 8.5) -> None:  # type: ignore[no-untyped-def]
    """Lay out ``story`` with "第 N 页" at the foot of every page (and ``left_text`` at its left)."""
    from reportlab.lib.units import mm

    width = doc.pagesize[0]

    def foot(canvas, document) -> None:  # type: ignore[no-untyped-def]
        canvas.saveState()
        canvas.setFont(font, size)
        if left_text:
            canvas.drawString(doc.leftMargin, 6 * mm, left_text)
            canvas.drawRightString(width - doc.rightMargin, 6 * mm, f"第 {document.page} 页")
        else:
            canvas.drawCentredString(width / 2, 9 * mm, f"第 {document.page} 页")
        canvas.restoreState()

    on_page: Callable[..., None] = foot
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
