"""bbc-desktop: the counter program of a service hall's “办不成事”反映窗口."""

from __future__ import annotations

from functools import cache


@cache
def version() -> str:
    """The installed version (pyproject.toml). Read when asked: importlib.metadata costs 50 ms at start."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("bbc-desktop")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0"


def __getattr__(name: str) -> str:
    if name == "__version__":
        return version()
    raise AttributeError(f"module 'bbc_desktop' has no attribute {name!r}")
