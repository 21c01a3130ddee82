"""What every core operation needs besides the session: the clock and who is acting."""

from __future__ import annotations

from dataclasses import dataclass, field

from bbc_desktop.core.accounts import default_operator
from bbc_desktop.core.calendar import Clock, clock_from_env


@dataclass
class Context:
    clock: Clock = field(default_factory=clock_from_env)
    operator: str = field(default_factory=default_operator)
