"""Fonts of the printed papers: choosing a face per character, the ToUnicode fix, the administrator's own fonts."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pdf_tools import pdf_fonts, pdf_text

from bbc_desktop.core import tickets as t
from bbc_desktop.core.errors import ValidationError
from bbc_desktop.core.settings import get_setting, set_setting
from bbc_desktop.printing.documents import slips_pdf
from bbc_desktop.printing.fonts import _to_unicode_cmap, chains, check_font_file, fonts_dir


def test_to_unicode_map_writes_surrogate_pairs_beyond_the_basic_plane():
    cmap = _to_unicode_cmap("F1", [0x41, 0x4DAE, 0x2A6A5, 0x20001])
    assert "<00> <0041>" in cmap and "<01> <4DAE>" in cmap
    assert "<02> <D869DEA5>" in cmap  # U+2A6A5 as UTF-16BE: D869 DEA5
    assert "<03> <D840DC01>" in cmap
    assert "4 beginbfchar" in cmap and "<00> <03>" in cmap


def test_to_unicode_map_blocks_hold_at_most_a_hundred_entries():
    cmap = _to_unicode_cmap("F1", list(range(0x4E00, 0x4E00 + 256)))
    assert cmap.count("beginbfchar") == 3 and "100 beginbfchar" in cmap and "56 beginbfchar" in cmap


def test_runs_pick_a_face_per_character_and_report_what_none_has():
    text, _title = chains()
    missing: set[str] = set()
    runs = text.runs("王䶮𠀁A\U00031350", missing)
    faces = [name for name, _piece in runs]
    assert [piece for _name, piece in runs] == ["王", "䶮", "𠀁", "A〓"]  # the mark is drawn in the text face
    assert (
        "gbsn00lp" in faces[0] and "HanaMinA" in faces[1] and "HanaMinB" in faces[2] and faces[3] == faces[0]
    )
    assert missing == {"\U00031350"}


def test_plain_text_never_loads_the_large_fallback_faces():
    # In a fresh process: the 20-30 MB fallbacks cost ~0.2 s each to parse, so only rare text pays.
    code = (
        "from bbc_desktop.printing.fonts import chains, _registry\n"
        "text, title = chains()\n"
        "text.runs('北关区交办单 BBC-2026-0001'); title.runs('北关区“办不成事”反映窗口交办单')\n"
        "print(sorted(face.path.name for face in _registry._names))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['gbsn00lp.ttf', 'wqy-microhei-gb.ttf']"


def test_font_files_are_checked_before_they_are_used(tmp_path):
    assert check_font_file("") == ""
    good = fonts_dir() / "HanaMinA.ttf"
    assert check_font_file(str(good)) == str(good)
    with pytest.raises(ValidationError, match="找不到字体文件"):
        check_font_file(str(tmp_path / "simsun.ttc"))
    cff = tmp_path / "NotoSerifCJK.otf"
    cff.write_bytes(b"OTTO" + bytes(60))
    with pytest.raises(ValidationError, match=r"CFF.*TrueType"):
        check_font_file(str(cff))
    collection = tmp_path / "simsun.ttc"
    collection.write_bytes(
        b"ttcf" + b"\x00\x01\x00\x00" + (1).to_bytes(4, "big") + (16).to_bytes(4, "big") + b"\x00\x01\x00\x00"
    )
    assert check_font_file(f"{collection}#0") == f"{collection}"
    with pytest.raises(ValidationError, match="没有序号为 2"):
        check_font_file(f"{collection}#2")
    with pytest.raises(ValidationError, match="不是可用的 TrueType"):
        (tmp_path / "notes.ttf").write_text("not a font")
        check_font_file(str(tmp_path / "notes.ttf"))


def test_an_administrators_font_is_used_for_the_text_and_a_bad_one_refused(db, ctx, tmp_path):
    with db.session() as s:
        number = t.register(s, ctx, t.Intake(content="窗口推诿", name="李明", phone="13812345678")).number
    with db.session() as s:
        set_setting(s, "print_font_text", str(fonts_dir() / "HanaMinA.ttf"))  # stands in for the PC's 宋体
        s.commit()
    with db.session() as s:
        pdf = slips_pdf(s, [number], ctx.clock.today()).pdf
    names = [f["name"] for f in pdf_fonts(pdf)]
    assert any("HanaMinA" in n for n in names) and not any("Bousung" in n for n in names)
    assert "窗口推诿" in pdf_text(pdf)
    with db.session() as s, pytest.raises(ValidationError, match="找不到字体文件"):
        set_setting(s, "print_font_title", str(tmp_path / "simhei.ttf"))
    with db.session() as s:
        assert get_setting(s, "print_font_title") == ""  # the refused value was not kept
