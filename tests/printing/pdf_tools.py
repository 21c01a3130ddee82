"""Reading a PDF back as a person's tools would: its text (pdftotext), its fonts (pdffonts), its barcode."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path


def _with_file(pdf: bytes, *command: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(pdf)
        done = subprocess.run(
            [*command, str(path), *(["-"] if command[0] == "pdftotext" else [])],
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout


def pdf_text(pdf: bytes) -> str:
    """The text a reader copies or searches (poppler's pdftotext, reading order kept)."""
    return _with_file(pdf, "pdftotext", "-enc", "UTF-8")


def squeeze(text: str) -> str:
    """Without the line breaks and spaces that wrapping adds."""
    return "".join(text.split())


def pdf_fonts(pdf: bytes) -> list[dict[str, str]]:
    """pdffonts' table: one dict per font with name, type, emb, sub, uni."""
    lines = _with_file(pdf, "pdffonts").splitlines()[2:]
    fonts = []
    for line in lines:
        parts = line.split()
        # name type [type...] encoding emb sub uni object-id generation
        fonts.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return fonts


def barcodes(pdf: bytes) -> list[str]:
    """What a scanner reads off the first page (zbarimg on a 300 dpi rendering)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", "300", "-f", "1", "-l", "1", "-png", str(path), str(Path(folder) / "p")],
            check=True,
        )
        image = next(Path(folder).glob("p*.png"))
        done = subprocess.run(["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True)
        return done.stdout.split()


def hits(pdf: bytes, word: str, page: int = 0) -> list[tuple[float, float]]:
    """Where ``word`` appears on a page: (left, top) in points, measured from the top-left corner."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        sheet = document[page]
        height = sheet.get_height()
        text = sheet.get_textpage()
        searcher = text.search(word)
        found = []
        while (hit := searcher.get_next()) is not None:
            left, _bottom, _right, top = text.get_charbox(hit[0])
            found.append((left, height - top))
        return found
    finally:
        document.close()


def stream_text(pdf: bytes) -> str:
    """The text in drawing order (PDFium), pages separated by form feeds: each table cell stays whole."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        return "\f".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
