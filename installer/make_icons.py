"""Render resources/icons/bbc-desktop.svg into what the installers need, at build time.

    python installer/make_icons.py OUT_DIR

writes OUT_DIR/bbc-desktop-<N>.png (16 … 256 px: the Linux desktop's hicolor sizes) and
OUT_DIR/bbc-desktop.ico (the same sizes, PNG-compressed entries, as Windows Vista and later read
them). Uses Qt's SVG renderer (PySide6-Essentials) offscreen; nothing rendered is committed.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

SIZES = (16, 24, 32, 48, 64, 128, 256)
SOURCE = Path(__file__).resolve().parents[1] / "resources" / "icons" / "bbc-desktop.svg"


def render(size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {SOURCE}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico(images: dict[int, bytes]) -> bytes:
    """An ICO file whose entries are PNG images (ICONDIR, one ICONDIRENTRY each, then the data)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in images.items():
        side = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset + len(blobs))
        blobs += png
    return header + entries + blobs


def main(out: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    out.mkdir(parents=True, exist_ok=True)
    images = {size: render(size) for size in SIZES}
    for size, png in images.items():
        (out / f"bbc-desktop-{size}.png").write_bytes(png)
    (out / "bbc-desktop.ico").write_bytes(ico(images))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("build/icons"))
