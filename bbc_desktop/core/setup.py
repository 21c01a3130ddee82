"""First-run contents of a new database: the seed units and the marker that they were seeded."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bbc_desktop.core.settings import get_setting, set_setting
from bbc_desktop.core.units import seed_units

SEED_VERSION = "1"


def seed_defaults(session: Session) -> None:
    """Seed once per database: a unit the administrator later renames or retires is not added again."""
    if get_setting(session, "internal.seed_version") == SEED_VERSION:
        return
    seed_units(session)
    set_setting(session, "internal.seed_version", SEED_VERSION)
