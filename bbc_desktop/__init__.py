"""bbc-desktop: the counter program of a service hall's “办不成事”反映窗口."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("bbc-desktop")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
