"""Input rules of DESIGN.md: phone numbers, text fields, dates. Each refusal is a Chinese ValidationError."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from bbc_desktop.core.errors import ValidationError

MAX_NAME = 50
MAX_COMPANY = 100
MAX_CONTENT = 20000
MAX_NOTE = 5000
EARLIEST = datetime(2000, 1, 1)

_SEPARATORS = re.compile(r"[\s\-－—–()（）]+")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_SERVICE = re.compile(r"[48]00\d{7}")
# Landline with area code: 010 and 02X have three digits and an 8-digit local number; others have four.
_LANDLINE = re.compile(r"(0(?:10|2\d))(\d{8})|(0[3-9]\d{2})(\d{7,8})")
_EXTENSION = re.compile(r"^(.*?)\s*(?:转|分机|ext\.?|x|#)\s*(\d{1,6})$", re.IGNORECASE)


def normalize_phone(raw: str, *, required: bool = True) -> str:
    """Return the phone in one canonical form, or raise. Spaces and dashes typed are fine.

    Mobile ``13812345678``; landline ``0372-1234567`` (``转801`` for an extension); ``4001234567``.
    """
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not text:
        if required:
            raise ValidationError("请填写反映人电话")
        return ""
    extension = ""
    match = _EXTENSION.match(text)
    if match:
        text, extension = match.group(1), match.group(2)
    else:
        # "0372-1234567-801": a third group of digits after a landline is its extension.
        groups = [g for g in re.split(r"[\s\-－—–]+", text) if g]
        if len(groups) >= 3 and groups[0].startswith("0") and len(groups[-1]) <= 6:
            text, extension = "".join(groups[:-1]), groups[-1]
    digits = _SEPARATORS.sub("", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not digits.isdigit():
        raise ValidationError(f"电话号码“{raw}”含有无法识别的字符，请只填写数字")
    if _MOBILE.fullmatch(digits) and not extension:
        return digits
    if _SERVICE.fullmatch(digits):
        return digits + (f"转{extension}" if extension else "")
    landline = _LANDLINE.fullmatch(digits)
    if landline:
        area = landline.group(1) or landline.group(3)
        local = landline.group(2) or landline.group(4)
        return f"{area}-{local}" + (f"转{extension}" if extension else "")
    raise ValidationError(
        f"电话号码“{raw}”格式不正确：手机号应为以1开头的11位数字，固定电话应带区号（如0372-1234567），"
        "也可填写400/800号码"
    )


def clean_text(
    raw: str | None, what: str, *, limit: int, required: bool = False, multiline: bool = False
) -> str:
    """Strip, refuse control characters and over-long text; never cut silently."""
    text = (raw or "").strip()
    if required and not text:
        raise ValidationError(f"请填写{what}")
    allowed = "\n\t" if multiline else ""
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    for char in text:
        if unicodedata.category(char) == "Cc" and char not in allowed:
            raise ValidationError(f"{what}中含有不可见的控制字符，请删除后再保存")
    length = len(text)  # code points: a CJK Extension B character counts as one
    if length > limit:
        raise ValidationError(f"{what}过长：最多{limit}个字，现有{length}个字，请精简后再保存")
    return text


def parse_datetime(raw: str, what: str = "受理时间") -> datetime:
    """Accept ``YYYY-MM-DD``, ``YYYY-MM-DDTHH:MM`` or with a space and seconds."""
    text = (raw or "").strip()
    for fmt in ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ValidationError(f"{what}“{raw}”格式不正确，应为 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM")


def parse_date(raw: str, what: str = "日期") -> date:
    try:
        return datetime.strptime((raw or "").strip(), "%Y-%m-%d").date()
    except ValueError:
        raise ValidationError(f"{what}“{raw}”格式不正确，应为 YYYY-MM-DD") from None


def check_not_future(when: datetime, now: datetime, what: str = "受理时间") -> datetime:
    """Dates are never in the future; a date before 2000 is surely a typing error."""
    if when > now:
        raise ValidationError(f"{what}不能晚于当前时间（{now:%Y-%m-%d %H:%M}）")
    if when < EARLIEST:
        raise ValidationError(f"{what}“{when:%Y-%m-%d}”过早，请核对")
    return when
