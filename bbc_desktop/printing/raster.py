"""Pixels from vector graphics outside the window: a ReportLab drawing as a PNG, through PDFium.

ReportLab's own bitmap renderer (renderPM) is not installed; the drawing is written as a one-page
PDF and rasterised by PDFium (pypdfium2), which the program has anyway. PDFium is not thread-safe:
every use in the process should hold :data:`PDFIUM_LOCK`.
"""

from __future__ import annotations

import io
import threading

__all__ = ["PDFIUM_LOCK", "drawing_png"]

PDFIUM_LOCK = threading.Lock()


def drawing_png(drawing, dpi: float = 200, pad: float = 4) -> bytes:  # type: ignore[no-untyped-def]
    """``drawing`` (a ReportLab Drawing, its fonts registered) as a PNG on white, at ``dpi``.

    The picture is what is drawn, ``pad`` points around it, not the drawing's own frame: a chart's
    axis labels may reach outside that frame (a PDF page shows them; a cropped picture would not),
    and the empty sides of the frame would only shrink the chart when it is fitted to a page.
    The PNG records ``dpi``, so a word processor places it at the drawing's size in points.
    """
    import pypdfium2 as pdfium
    from reportlab.graphics import renderPDF
    from reportlab.pdfgen.canvas import Canvas

    left, bottom, right, top = drawing.getBounds() or (0, 0, drawing.width, drawing.height)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(right - left + 2 * pad, top - bottom + 2 * pad))
    renderPDF.draw(drawing, canvas, pad - left, pad - bottom)
    canvas.save()
    with PDFIUM_LOCK:
        document = pdfium.PdfDocument(buffer.getvalue())
        try:
            image = document[0].render(scale=dpi / 72).to_pil()
        finally:
            document.close()
    png = io.BytesIO()
    image.convert("RGB").save(png, "PNG", optimize=True, dpi=(dpi, dpi))
    return png.getvalue()
