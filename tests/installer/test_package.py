"""The Debian package, as an office's administrator would meet it: installed with dpkg into a
throwaway root, its contents where a desktop looks for them, the bundled programs run from there
(and from elsewhere: they are relocatable), a slip printed by the packaged window offscreen.

Needs a built package: ``bash tools/dev.sh package`` builds it (installer/build-deb) and runs these
tests with BBC_DEB set; CI does the same. Without BBC_DEB they are skipped.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from package_tools import needed_from_system, package_of, system_libraries

ROOT = Path(__file__).resolve().parents[2]
DEB = os.environ.get("BBC_DEB", "")
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
DEPENDS = [
    line.strip()
    for line in (ROOT / "installer" / "debian" / "depends.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]

pytestmark = pytest.mark.skipif(not DEB, reason="no package built: bash tools/dev.sh package")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """The package installed by dpkg into an empty root of its own (no dependencies there)."""
    root = tmp_path_factory.mktemp("root")
    admin = root / "var" / "lib" / "dpkg"
    (admin / "updates").mkdir(parents=True)
    (admin / "info").mkdir()
    (admin / "status").write_text("")
    done = subprocess.run(
        ["dpkg", f"--root={root}", f"--admindir={admin}", "--force-not-root", "--force-depends",
         "--force-script-chrootless", "--log=/dev/null", "-i", DEB],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return root


def _env(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "QT_QPA_PLATFORM": "offscreen",
        "BBC_DB": "",
    }


def _run(program: Path, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(program), *args], capture_output=True, text=True, env=_env(home), timeout=300, check=False
    )


def test_control_fields_name_the_version_and_the_desktop_libraries():
    fields = subprocess.run(["dpkg-deb", "-f", DEB], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Package: bbc-desktop$", fields, re.M)
    assert re.search(rf"^Version: {re.escape(VERSION)}$", fields, re.M)
    depends = re.search(r"^Depends: (.*)$", fields, re.M).group(1).split(", ")  # type: ignore[union-attr]
    assert depends == DEPENDS
    assert (
        Path(DEB).name
        == f"bbc-desktop_{VERSION}_{subprocess.check_output(['dpkg', '--print-architecture'], text=True).strip()}.deb"
    )


def test_the_files_are_where_a_desktop_looks_for_them(installed):
    program = installed / "opt" / "bbc-desktop"
    assert os.access(program / "bbc-desktop", os.X_OK) and os.access(program / "bbc", os.X_OK)
    for command in ("bbc-desktop", "bbc"):
        assert os.readlink(installed / "usr" / "bin" / command) == f"/opt/bbc-desktop/{command}"
    entry = (installed / "usr/share/applications/bbc-desktop.desktop").read_text(encoding="utf-8")
    assert "Exec=bbc-desktop" in entry and "Icon=bbc-desktop" in entry and "Name=“办不成事”反映窗口" in entry
    icons = installed / "usr" / "share" / "icons" / "hicolor"
    assert (icons / "scalable" / "apps" / "bbc-desktop.svg").is_file()
    for size in (16, 32, 48, 128, 256):
        png = (icons / f"{size}x{size}" / "apps" / "bbc-desktop.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(png[16:20], "big") == size
    bundled = program / "_internal"
    assert (bundled / "resources" / "fonts" / "gbsn00lp.ttf").is_file()
    assert (bundled / "resources" / "fonts" / "ARPHICPL.TXT").is_file()  # the licences travel along
    assert sorted(p.name for p in (bundled / "forms").glob("*.ui")) == sorted(
        p.name for p in (ROOT / "forms").glob("*.ui")
    )
    # Only the Qt the program uses: no WebEngine, QML or Quick.
    assert not list(bundled.rglob("*WebEngine*")) and not list(bundled.rglob("libQt6Quick*"))
    assert "copyright" in os.listdir(installed / "usr" / "share" / "doc" / "bbc-desktop")


def test_every_library_taken_from_the_system_is_in_depends(installed):
    """What the bundle leaves to the system (readelf NEEDED) comes from a package it depends on."""
    found = system_libraries()
    uncovered = {}
    for soname in needed_from_system(installed / "opt" / "bbc-desktop"):
        path = found.get(soname)
        package = package_of(path) if path else None
        if package is None:  # not on this machine: Debian names the package after the soname
            base, _, number = soname.partition(".so.")
            package = f"{base}{'-' if base[-1].isdigit() else ''}{number.split('.')[0]}".lower()
            package = package.replace("_", "-")
        if package.split(":")[0] not in DEPENDS:
            uncovered[soname] = package
    assert not uncovered, f"add to installer/debian/depends.txt: {uncovered}"


def test_the_command_line_runs_from_the_package_and_from_anywhere_else(installed, tmp_path):
    program = installed / "opt" / "bbc-desktop"
    version = _run(program / "bbc", "--version", home=tmp_path)
    assert version.stdout.strip() == f"bbc {VERSION}", version.stderr
    moved = tmp_path / "U盘" / "bbc-desktop"  # unpacked somewhere else entirely
    shutil.copytree(program, moved, symlinks=True)
    link = tmp_path / "bin" / "bbc"
    link.parent.mkdir()
    link.symlink_to(moved / "bbc")  # as /usr/bin/bbc points to it
    database = tmp_path / "counter.sqlite3"
    demo = _run(link, "--db", str(database), "demo", "--tickets", "3", home=tmp_path)
    assert demo.returncode == 0, demo.stderr
    listing = _run(link, "--db", str(database), "list", "--json", home=tmp_path)
    assert listing.returncode == 0, listing.stderr
    number = re.search(r"BBC-\d{4}-\d{4}", listing.stdout).group(0)  # type: ignore[union-attr]
    slip = tmp_path / "交办单.pdf"
    printed = _run(link, "--db", str(database), "slip", number, "-o", str(slip), home=tmp_path)
    assert printed.returncode == 0, printed.stderr
    pdf = slip.read_bytes()
    assert (
        pdf.startswith(b"%PDF") and f"bbc-desktop {VERSION}".encode() in pdf
    )  # the version, in its metadata


def test_the_packaged_window_prints_a_slip_offscreen(installed, tmp_path):
    out = tmp_path / "自检"
    done = _run(installed / "opt" / "bbc-desktop" / "bbc-desktop", "--self-test", str(out), home=tmp_path)
    report = (out / "self-test.txt").read_text(encoding="utf-8") if (out / "self-test.txt").exists() else ""
    assert done.returncode == 0, report + done.stderr
    assert f"版本 {VERSION}" in report and report.rstrip().endswith("自检通过")
    pdf = (out / "slip.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and f"bbc-desktop {VERSION}".encode() in pdf
    for picture in ("window.png", "preview.png"):
        assert (out / picture).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
