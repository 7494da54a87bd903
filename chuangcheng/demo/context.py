"""What the demo builders share: the one random generator, output, and what earlier steps made."""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from django.contrib.auth.hashers import make_password

from chuangcheng.demo.logins import DEMO_PASSWORD, DEMO_USERNAMES
from chuangcheng.demo.naming import NameMaker

DEFAULT_SEED = 2026
# Every date in the demo is computed from this day, never from today, so two runs on
# different days give the same data. The campaign year runs from March to October 2026.
REFERENCE_DATE = date(2026, 11, 1)
CAMPAIGN_START = date(2026, 3, 1)


@dataclass
class DemoContext:
    """Passed to every ``build(ctx)`` step in order; later steps read what earlier ones created.

    Steps use ``ctx.rng`` and nothing else for chance (never the global ``random``), and consume
    it in a fixed order, so the same seed gives the same data.
    """

    seed: int
    write: Callable[[str], Any] = print
    rng: random.Random = field(init=False)
    reference_date: date = REFERENCE_DATE

    # filled by the org steps
    city: Any = None  # OrgUnit 示范市
    county: Any = None  # OrgUnit 示范县
    other_county: Any = None  # OrgUnit 东岭县
    leading_group: Any = None
    campaign_office: Any = None
    units_by_name: dict[str, Any] = field(default_factory=dict)  # every unit; names are unique in the demo
    people_by_username: dict[str, Any] = field(default_factory=dict)
    leaders: list[Any] = field(default_factory=list)  # 组长 first, then 副组长
    pairings: list[Any] = field(default_factory=list)
    visits: list[Any] = field(default_factory=list)
    # anything else a step wants to leave for later ones, keyed "<step module>.<name>"
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        self.rng = random.Random(self.seed)
        self.names = NameMaker(self.rng, reserved_usernames=DEMO_USERNAMES)

    @cached_property
    def password_hash(self) -> str:
        """The demo password hashed once: hashing is slow by design, and every demo user shares it."""
        return make_password(DEMO_PASSWORD)

    def units_of_kind(self, *kinds: str, under=None) -> list:
        """Units created so far of the given kinds, in creation order (optionally below ``under``)."""
        return [
            unit
            for unit in self.units_by_name.values()
            if unit.kind in kinds and (under is None or unit.path.startswith(under.path))
        ]
