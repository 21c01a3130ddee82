"""The Windows setup cannot be built on Linux; what can be checked here is checked: every path the
Inno Setup script and its build script name exists in the checkout or is one the build makes, the
shortcuts start programs the PyInstaller spec makes, and the version is never written in by hand."""

from __future__ import annotations

import re
from pathlib import Path, PureWindowsPath

ROOT = Path(__file__).resolve().parents[2]
WINDOWS = ROOT / "installer" / "windows"
ISS = (WINDOWS / "bbc-desktop.iss").read_text(encoding="utf-8-sig")
BUILD = (WINDOWS / "build.ps1").read_text(encoding="utf-8")
SPEC = (ROOT / "installer" / "bbc-desktop.spec").read_text(encoding="utf-8")

# What build.ps1 makes before it calls the compiler (checked against build.ps1 below).
MADE_BY_BUILD = ("build/pyinstaller-dist/bbc-desktop", "build/icons/bbc-desktop.ico", "dist")


def _defines() -> dict[str, str]:
    return dict(re.findall(r'^#define (\w+) "([^"]*)"', ISS, re.M))


def _from_script(path: str) -> str:
    """A path of the script, relative to the checkout (the script's folder is installer/windows)."""
    for name, value in _defines().items():
        path = path.replace(f"{{#{name}}}", value)
    resolved = (WINDOWS / PureWindowsPath(path).as_posix()).resolve()
    return resolved.relative_to(ROOT).as_posix()


def _paths() -> list[str]:
    found = re.findall(r'Source: "([^"]+)"', ISS)
    found += re.findall(r"^(?:SetupIconFile|OutputDir|LicenseFile|InfoBeforeFile)=(.+)$", ISS, re.M)
    found += [value for name, value in _defines().items() if name == "Bundle"]
    return [p.rstrip("\\*").rstrip("\\") for p in found]


def test_every_path_the_setup_script_names_exists_or_is_made_by_the_build():
    paths = [_from_script(p) for p in _paths()]
    assert "build/pyinstaller-dist/bbc-desktop" in paths and "build/icons/bbc-desktop.ico" in paths
    for path in paths:
        assert path.startswith(MADE_BY_BUILD) or (ROOT / path).exists(), path


def test_the_build_script_makes_what_the_setup_script_takes():
    assert "--distpath build\\pyinstaller-dist" in BUILD and "installer\\bbc-desktop.spec" in BUILD
    assert "installer\\make_icons.py build\\icons" in BUILD  # writes build/icons/bbc-desktop.ico
    assert "installer\\windows\\bbc-desktop.iss" in BUILD
    for path in re.findall(r"installer\\[\w\\.-]+\.(?:py|spec|iss)", BUILD):
        assert (ROOT / PureWindowsPath(path).as_posix()).is_file(), path
    # The spec bundles into a folder named as the script expects, with the icon it names.
    assert 'COLLECT(window, command, a.binaries, a.datas, name="bbc-desktop"' in SPEC
    assert '"build" / "icons" / "bbc-desktop.ico"' in SPEC


def test_shortcuts_start_the_programs_the_spec_makes():
    programs = set(re.findall(r'name="([\w-]+)",\s*\n\s*console=', SPEC))
    assert programs == {"bbc-desktop", "bbc"}
    started = set(re.findall(r"\{app\}\\([\w-]+)\.exe", ISS))
    assert started and started <= programs
    assert "{autodesktop}" in ISS and "{group}" in ISS and "{uninstallexe}" in ISS
    assert "PrivilegesRequired=admin" in ISS  # per machine


def test_the_version_comes_from_pyproject_only():
    assert "AppVersion={#AppVersion}" in ISS and "/DAppVersion=$Version" in BUILD
    assert "pyproject.toml" in BUILD
    assert not re.search(r"\b\d+\.\d+\.\d+\b", ISS.split("[Setup]", 1)[1])  # no version typed in
    # The user's data folders are never touched: nothing is deleted outside {app}.
    for line in re.findall(r"^Type: .*$", ISS, re.M):
        assert 'Name: "{app}' in line
