"""Make resources/fonts/wqy-microhei-gb.ttf: WenQuanYi Micro Hei cut down to the characters of the text face.

    pip install fonttools && apt-get download fonts-wqy-microhei && dpkg-deb -x fonts-wqy-microhei_*.deb x
    python tools/subset_title_font.py x/usr/share/fonts/truetype/wqy/wqy-microhei.ttc

The slip's title face is parsed by ReportLab at every `bbc slip`; the whole font (34 600
characters) takes ~210 ms to parse, the subset (the ~7 600 characters of AR PL SungtiL GB, the text
face: GB 2312 and ASCII) ~60 ms. A character outside it falls back to HanaMinA / HanaMinB like
any other (printing/fonts.py), so nothing is lost. Licence: Apache-2.0 (resources/fonts/README.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

FONTS = Path(__file__).resolve().parents[1] / "resources" / "fonts"


def main(source: str) -> int:
    wanted = set(TTFont(FONTS / "gbsn00lp.ttf").getBestCmap())
    font = TTCollection(source).fonts[0]  # WenQuanYi Micro Hei (index 1 is the Mono face)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(wanted & set(font.getBestCmap())))
    subsetter.subset(font)
    target = FONTS / "wqy-microhei-gb.ttf"
    font.save(target)
    print(target, target.stat().st_size)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
