"""The fonts of every PDF the program makes: TrueType faces chosen per character, embedded and subset.

A face covers only so many characters; a reporter's name may hold a rare one (䶮, CJK Extension A;
𪚥, Extension B). Each piece of text is therefore split into runs, each drawn with the first face of
a chain that has the character: the text face (AR PL SungtiL GB, a Song face; or the PC's own 宋体 /
仿宋 when the administrator chooses it), then HanaMinA (all of the basic block and Extension A),
then HanaMinB (Extensions B to F). The title chain starts with a Hei face instead.

Faces are parsed and registered with ReportLab once per process and only when first needed: the
fallbacks (20–30 MB each, ~0.2 s to parse) are loaded only for text that needs them.

ReportLab writes a ToUnicode map with four hex digits per character, which garbles characters
beyond U+FFFF when the PDF's text is copied or searched; :func:`_to_unicode_cmap` replaces it with
one that writes UTF-16 surrogate pairs (a test reads 𪚥 back with pdftotext).
"""

from __future__ import annotations

import os
import struct
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from bbc_desktop.core.errors import ValidationError

__all__ = [
    "MISSING_MARK",
    "Chain",
    "Face",
    "chains",
    "check_font_file",
    "fonts_dir",
    "parse_font_setting",
]

MISSING_MARK = "〓"  # the typesetter's mark for a character no face has (it is reported too)


def fonts_dir() -> Path:
    """``resources/fonts`` of the source tree, an editable install or the bundled program."""
    override = os.environ.get("BBC_FONTS")
    if override:
        return Path(override)
    bundle = getattr(sys, "_MEIPASS", None)  # PyInstaller
    here = Path(__file__).resolve()
    candidates = [Path(bundle) / "resources" / "fonts"] if bundle else []
    candidates += [here.parents[2] / "resources" / "fonts", here.parents[1] / "resources" / "fonts"]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise ValidationError("找不到程序自带的字体目录 resources/fonts，程序安装不完整")


@dataclass(frozen=True)
class Face:
    """One TrueType face: a file, and for a collection (.ttc) the index of the face in it."""

    path: Path
    index: int = 0

    @property
    def label(self) -> str:
        return self.path.name + (f"#{self.index}" if self.index else "")


TEXT_FACE = "gbsn00lp.ttf"  # AR PL SungtiL GB: a Song face of GB 2312
TITLE_FACE = "wqy-microhei-gb.ttf"  # WenQuanYi Micro Hei, subset to the text face's characters
FALLBACK_FACES = ("HanaMinA.ttf", "HanaMinB.ttf")


def parse_font_setting(value: str) -> Face | None:
    """A font setting: empty for the bundled face, else ``PATH`` or ``PATH#INDEX`` for a collection."""
    text = (value or "").strip()
    if not text:
        return None
    path_text, _, index_text = text.rpartition("#") if "#" in text else (text, "", "0")
    try:
        index = int(index_text or "0")
    except ValueError:
        raise ValidationError(f"字体设置“{text}”格式不正确，应为 文件路径 或 文件路径#序号") from None
    return Face(Path(path_text).expanduser(), index)


def check_font_file(value: str) -> str:
    """Validate a font setting: the file exists and holds a TrueType-outline face ReportLab can embed."""
    face = parse_font_setting(value)
    if face is None:
        return ""
    try:
        data = face.path.read_bytes()
    except OSError:
        raise ValidationError(f"找不到字体文件“{face.path}”") from None
    offset = 0
    if data[:4] == b"ttcf":
        count = struct.unpack(">I", data[8:12])[0] if len(data) >= 12 else 0
        if not 0 <= face.index < count:
            raise ValidationError(
                f"字体集“{face.path.name}”中没有序号为 {face.index} 的字体（共 {count} 个）"
            )
        offset = struct.unpack(">I", data[12 + 4 * face.index : 16 + 4 * face.index])[0]
    elif face.index:
        raise ValidationError(f"“{face.path.name}”不是字体集（.ttc），不能指定序号")
    signature = data[offset : offset + 4]
    if signature == b"OTTO":
        raise ValidationError(
            f"“{face.path.name}”是 PostScript（CFF）轮廓的 OpenType 字体，无法嵌入 PDF；请选用 TrueType 字体（如 simsun.ttc、simfang.ttf）"
        )
    if signature not in (b"\x00\x01\x00\x00", b"true"):
        raise ValidationError(f"“{face.path.name}”不是可用的 TrueType 字体文件")
    return str(face.path) + (f"#{face.index}" if face.index else "")


def _unusable(face: Face, what: str) -> str:
    """Why a face cannot be used, and what to do: the bundled ones mean a damaged installation."""
    try:
        bundled = face.path.resolve().parent == fonts_dir().resolve()
    except ValidationError:
        bundled = False
    if bundled:
        return (
            f"程序自带的字体文件“{face.label}”{what}，程序安装不完整：请重新安装本程序；"
            "在此之前，管理员可以在“设置”中把打印字体改为本机的宋体（如 C:\\Windows\\Fonts\\simsun.ttc）"
        )
    return f"字体文件“{face.label}”{what}：请在“设置”中检查打印字体"


class _Registry:
    """The faces registered with ReportLab in this process, by file and index; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._names: dict[Face, str] = {}
        self._covered: dict[str, frozenset[int] | dict[int, int]] = {}

    def name(self, face: Face) -> str:
        """The PDF font name of ``face``, parsing and registering it the first time."""
        with self._lock:
            found = self._names.get(face)
            if found is not None:
                return found
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFError, TTFont

            _install_to_unicode_fix()
            name = f"Bbc{len(self._names) + 1}-{face.path.stem}"
            try:
                font = TTFont(name, str(face.path), subfontIndex=face.index)
            except (OSError, TTFError) as exc:
                raise ValidationError(_unusable(face, f"无法读取或已损坏（{exc}）")) from None
            except Exception as exc:  # a cut-off or overwritten file fails anywhere in the parser
                raise ValidationError(_unusable(face, f"已损坏（{type(exc).__name__}）")) from None
            pdfmetrics.registerFont(font)
            self._names[face] = name
            self._covered[name] = font.face.charToGlyph
            return name

    def covers(self, name: str, code: int) -> bool:
        return code in self._covered[name]


_registry = _Registry()


@dataclass(frozen=True)
class Chain:
    """Faces tried in order for each character; later ones are parsed only when needed."""

    faces: tuple[Face, ...]

    @property
    def primary(self) -> str:
        """The first face's PDF name: for the canvas's initial font and text known to be plain."""
        return _registry.name(self.faces[0])

    def runs(self, text: str, missing: set[str] | None = None) -> list[tuple[str, str]]:
        """``text`` as (PDF font name, piece) runs; characters no face has go to ``missing``."""
        result: list[tuple[str, str]] = []
        primary = self.primary
        for char in text:
            name = self._face_for(char, primary)
            if name is None:
                if missing is not None:
                    missing.add(char)
                name, char = primary, MISSING_MARK
            if result and result[-1][0] == name:
                result[-1] = (name, result[-1][1] + char)
            else:
                result.append((name, char))
        return result

    def _face_for(self, char: str, primary: str) -> str | None:
        code = ord(char)
        if code < 0x20 or _registry.covers(primary, code):
            return primary
        for face in self.faces[1:]:
            name = _registry.name(face)
            if _registry.covers(name, code):
                return name
        return None

    def markup(self, text: str, missing: set[str] | None = None) -> str:
        """Paragraph markup for ``text``: escaped, one <font> per run, line breaks kept."""
        parts = []
        for name, piece in self.runs(text, missing):
            body = escape(piece).replace("\n", "<br/>")
            parts.append(f'<font face="{name}">{body}</font>')
        return "".join(parts)

    def faces_used(self, texts: Iterable[str]) -> set[str]:
        return {name for text in texts for name, _ in self.runs(text)}


def chains(text_setting: str = "", title_setting: str = "") -> tuple[Chain, Chain]:
    """The text chain and the title chain, from the administrator's font settings (empty: bundled)."""
    bundled = fonts_dir()
    fallbacks = tuple(Face(bundled / name) for name in FALLBACK_FACES)
    text = parse_font_setting(text_setting) or Face(bundled / TEXT_FACE)
    title = parse_font_setting(title_setting) or Face(bundled / TITLE_FACE)
    for face in (text, title):
        if not face.path.is_file():
            raise ValidationError(_unusable(face, f"不存在（{face.path}）"))
    return Chain((text, *fallbacks)), Chain((title, *fallbacks))


# Chinese punctuation that must not begin a line (GB/T 15834). ReportLab's list is Japanese and
# lacks the full-width comma, colon and semicolon, so a line could start with "：".
_CANNOT_START = "，、。．；：？！）》」』】〕〉’”…—～"


def chinese_line_breaking() -> None:
    """Teach ReportLab's CJK wrapping the Chinese punctuation that must not start a line (once)."""
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    missing = "".join(c for c in _CANNOT_START if c not in textsplit.ALL_CANNOT_START)
    if missing:
        # Both names: paragraph.py took its own reference at import.
        textsplit.ALL_CANNOT_START += missing
        paragraph.ALL_CANNOT_START = textsplit.ALL_CANNOT_START


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's ToUnicode CMap, but with UTF-16BE (surrogate pairs beyond U+FFFF), 100 entries a block."""
    entries = []
    for code, value in enumerate(subset):
        if value > 0xFFFF:
            value -= 0x10000
            target = f"{0xD800 + (value >> 10):04X}{0xDC00 + (value & 0x3FF):04X}"
        else:
            target = f"{value:04X}"
        entries.append(f"<{code:02X}> <{target}>")
    blocks = []
    for start in range(0, len(entries), 100):  # the PDF reference allows at most 100 per block
        chunk = entries[start : start + 100]
        blocks += [f"{len(chunk)} beginbfchar", *chunk, "endbfchar"]
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        *blocks,
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(lines)


def _install_to_unicode_fix() -> None:
    from reportlab.pdfbase import ttfonts

    ttfonts.makeToUnicodeCMap = _to_unicode_cmap  # read by name when each subset is written
