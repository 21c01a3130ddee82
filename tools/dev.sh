#!/usr/bin/env bash
# Set-up and everyday commands on a fresh Debian 12 (or UOS / Kylin) machine with Python 3.11+.
#   bash tools/dev.sh demo   install what is missing, then open the program on demo data
#   bash tools/dev.sh test   install what is missing, then run the lint and the whole test suite, once
#                            on SQLite files and once on a throwaway PostgreSQL server (BBC_TEST_BACKENDS
#                            = "sqlite" or "postgresql" runs only one)
#   bash tools/dev.sh package  build the Debian package (installer/build-deb) and test it: installed
#                            into a throwaway root, run from there, a slip printed offscreen
# It installs Debian packages with apt-get (as root, or through sudo) only when they are missing,
# and the Python packages into .venv beside this checkout.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv

say() { printf '==> %s\n' "$*" >&2; }

# Runtime libraries PySide6's wheels expect from the system, and a CJK font so Chinese renders.
QT_PACKAGES=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0 fonts-noto-cjk)
# For the tests only: read PDFs back as a person's tools would (pdftotext, pdffonts, pdftoppm) and
# decode the slip's barcode as a scanner would (zbarimg); the PostgreSQL server the suite runs on the
# second time (tools/pg_cluster.sh starts a cluster of its own on a free loopback port).
TEST_PACKAGES=(poppler-utils zbar-tools postgresql)
# The X11 platform plugin, for a real window on a desktop.
X11_PACKAGES=(libx11-xcb1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
  libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1)

apt_install() {
  command -v dpkg-query >/dev/null 2>&1 || return 0  # not a Debian-family system: nothing to do here
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_python() {
  if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "需要 Python 3.11 或更新版本（当前：$("$PYTHON" --version 2>&1)）" >&2
    exit 1
  fi
  if ! "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null; then
    apt_install python3-venv
  fi
}

ensure_venv() {
  ensure_python
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  # Reinstall only when the project's declared dependencies changed.
  if [ ! -f "$VENV/.installed" ] || [ pyproject.toml -nt "$VENV/.installed" ]; then
    say "installing Python packages into $VENV"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e '.[dev]'
    touch "$VENV/.installed"
  fi
}

case "${1:-}" in
  demo)
    shift
    apt_install "${QT_PACKAGES[@]}" "${X11_PACKAGES[@]}"
    ensure_venv
    if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
      echo "没有图形界面（DISPLAY 未设置）：请在桌面环境中运行，或使用 xvfb-run bash tools/dev.sh demo" >&2
      exit 1
    fi
    exec "$VENV/bin/bbc-desktop" --demo "$@"
    ;;
  test)
    shift
    apt_install "${QT_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    ensure_venv
    say "ruff check / ruff format --check"
    "$VENV/bin/ruff" check .
    "$VENV/bin/ruff" format --check .
    backends=${BBC_TEST_BACKENDS:-sqlite postgresql}
    if [[ " $backends " == *" sqlite "* ]]; then
      say "pytest on SQLite files"
      BBC_TEST_PG="" QT_QPA_PLATFORM=offscreen "$VENV/bin/python" -m pytest "$@"
    fi
    if [[ " $backends " == *" postgresql "* ]]; then
      cluster=$(mktemp -d -u "${TMPDIR:-/tmp}/bbc-pg.XXXXXX")
      trap 'bash tools/pg_cluster.sh stop "$cluster"' EXIT
      url=$(bash tools/pg_cluster.sh start "$cluster")
      say "pytest on PostgreSQL ($url)"
      BBC_TEST_PG="$url" QT_QPA_PLATFORM=offscreen "$VENV/bin/python" -m pytest "$@"
    fi
    ;;
  package)
    shift
    # What the package depends on, as apt would install it with the package (the tests run it).
    mapfile -t depends < <(grep -v '^#' installer/debian/depends.txt | sed '/^$/d')
    apt_install "${depends[@]}" binutils dpkg
    ensure_venv
    bash installer/build-deb
    deb=$(ls -t dist/bbc-desktop_*.deb | head -1)
    say "testing $deb"
    BBC_DEB="$deb" QT_QPA_PLATFORM=offscreen "$VENV/bin/python" -m pytest tests/installer "$@"
    ;;
  *)
    echo "用法：bash tools/dev.sh demo | test [pytest 参数] | package" >&2
    exit 2
    ;;
esac
