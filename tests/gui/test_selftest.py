"""``bbc-desktop --self-test`` from the source tree (the package tests run the bundled one)."""

from __future__ import annotations

import os
import subprocess
import sys

from bbc_desktop import version


def test_the_self_test_opens_the_window_and_makes_a_slip(tmp_path):
    out = tmp_path / "自检"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BBC_DB": "", "XDG_DATA_HOME": str(tmp_path / "d")}
    done = subprocess.run(
        [sys.executable, "-m", "bbc_desktop.gui.app", "--self-test", str(out)],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    report = (out / "self-test.txt").read_text(encoding="utf-8")
    assert done.returncode == 0, report + done.stderr
    assert f"版本 {version()}" in report and report.rstrip().endswith("自检通过")
    assert (out / "slip.pdf").read_bytes().startswith(b"%PDF")
    assert (out / "window.png").stat().st_size > 10_000  # a real picture of the window, not a blank
    leftovers = [line for line in report.splitlines() if line.startswith("数据库：")]
    demo_folder = leftovers[0].split("：", 1)[1].rsplit("/", 1)[0]
    assert not os.path.exists(demo_folder)  # the demo's data is not kept


def test_a_failure_is_reported_not_waited_for(tmp_path):
    out = tmp_path / "自检"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "BBC_DB": "",
        "XDG_DATA_HOME": str(tmp_path / "d"),
        "BBC_FONTS": str(tmp_path / "no-fonts"),  # an installation that lost its fonts
    }
    (tmp_path / "no-fonts").mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "bbc_desktop.gui.app", "--self-test", str(out)],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    report = (out / "self-test.txt").read_text(encoding="utf-8")
    assert done.returncode == 1
    assert "未通过" in report and "字体" in report
