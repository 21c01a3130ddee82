"""Reading a built program folder: which shared libraries it takes from the system, and from which
Debian packages (readelf's NEEDED entries, ldconfig's cache, dpkg's file lists)."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path


def elf_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    yield path


def needed_from_system(root: Path) -> dict[str, set[Path]]:
    """Each library a binary in ``root`` names (NEEDED) that is not inside ``root`` → who needs it."""
    inside = {path.name for path in root.rglob("*")}
    needed: dict[str, set[Path]] = {}
    for path in elf_files(root):
        dynamic = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True).stdout
        for soname in re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic):
            if soname not in inside:
                needed.setdefault(soname, set()).add(path)
    return needed


def system_libraries() -> dict[str, Path]:
    """soname → file, from this machine's ldconfig cache (64-bit x86 entries first)."""
    found: dict[str, Path] = {}
    listing = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True).stdout
    for line in listing.splitlines():
        match = re.match(r"\s*(\S+) \(([^)]*)\) => (\S+)", line)
        if match and ("x86-64" in match.group(2) or "64" in match.group(2) or "," not in match.group(2)):
            found.setdefault(match.group(1), Path(match.group(3)))
    return found


def package_of(path: Path) -> str | None:
    """The Debian package that installed ``path`` (usrmerge: tried as given, resolved and under /usr)."""
    candidates = [path, path.resolve()]
    for candidate in list(candidates):
        text = str(candidate)
        candidates.append(Path(text[4:]) if text.startswith("/usr/") else Path("/usr" + text))
    for candidate in candidates:
        answer = subprocess.run(["dpkg", "-S", str(candidate)], capture_output=True, text=True)
        if answer.returncode == 0:
            return answer.stdout.split(":", 1)[0].strip()
    return None
