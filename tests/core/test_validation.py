"""Input rules of DESIGN.md: phones, text, dates."""

from __future__ import annotations

from datetime import datetime

import pytest

from bbc_desktop.core.errors import ValidationError
from bbc_desktop.core.validation import check_not_future, clean_text, normalize_phone, parse_datetime


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 139 0000 1111", "13900001111"),
        ("０３７２－１２３４５６７", "0372-1234567"),
        ("0372-1234567", "0372-1234567"),
        ("03721234567", "0372-1234567"),
        ("(0372) 12345678", "0372-12345678"),
        ("010-88886666", "010-88886666"),
        ("02112345678", "021-12345678"),
        ("0372-1234567转801", "0372-1234567转801"),
        ("0372-1234567-801", "0372-1234567转801"),
        ("0372 1234567 ext 12", "0372-1234567转12"),
        ("400-123-4567", "4001234567"),
        ("800 123 4567", "8001234567"),
    ],
)
def test_phone_forms_are_accepted_and_normalised(typed, stored):
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "12812345678",
        "1381234567",
        "138123456789",
        "1234567",
        "0372-123",
        "abc",
        "138１２３4567x",
        "00372-1234567",
    ],
)
def test_malformed_phones_are_refused_in_chinese(typed):
    with pytest.raises(ValidationError, match="电话号码"):
        normalize_phone(typed)


def test_empty_phone_only_when_not_required():
    assert normalize_phone("  ", required=False) == ""
    with pytest.raises(ValidationError, match="请填写反映人电话"):
        normalize_phone("")


def test_text_limits_count_characters_not_bytes():
    assert clean_text("𠮷" * 50, "姓名", limit=50) == "𠮷" * 50
    with pytest.raises(ValidationError, match="最多50个字，现有51个字"):
        clean_text("𠮷" * 51, "姓名", limit=50)


def test_multiline_text_keeps_newlines_and_refuses_control_characters():
    assert clean_text("第一行\r\n第二行", "内容", limit=100, multiline=True) == "第一行\n第二行"
    with pytest.raises(ValidationError, match="控制字符"):
        clean_text("第一行\n第二行", "姓名", limit=100)
    with pytest.raises(ValidationError, match="请填写内容"):
        clean_text(" \n ", "内容", limit=100, required=True, multiline=True)


def test_dates_parse_and_are_never_in_the_future():
    now = datetime(2026, 11, 23, 9, 30)
    assert parse_datetime("2026-03-07") == datetime(2026, 3, 7)
    assert parse_datetime("2026-03-07T08:15") == datetime(2026, 3, 7, 8, 15)
    with pytest.raises(ValidationError, match="格式不正确"):
        parse_datetime("2026/03/07")
    with pytest.raises(ValidationError, match="不能晚于"):
        check_not_future(datetime(2026, 11, 23, 9, 31), now)
    with pytest.raises(ValidationError, match="过早"):
        check_not_future(datetime(1999, 12, 31), now)
