"""Deterministic fictional people: names, usernames and mobile numbers from one ``random.Random``."""

import random
import re

from pypinyin import Style, lazy_pinyin

from chuangcheng.demo.names import GIVEN_NAMES_ONE, GIVEN_NAMES_TWO, MOBILE_PREFIXES, SURNAMES


class NameMaker:
    """Hands out full names, usernames and mobile numbers, none of them twice.

    Names are unique across the whole demo (stricter than needed) so a demo audience can
    search for a person by name and find exactly one.
    """

    def __init__(self, rng: random.Random, reserved_usernames=()):
        self.rng = rng
        self._surnames = [s for s, _weight in SURNAMES]
        self._weights = [weight for _s, weight in SURNAMES]
        self._full_names: set[str] = set()
        self._usernames: set[str] = set(reserved_usernames)
        self._mobiles: set[str] = set()

    def full_name(self) -> str:
        while True:
            surname = self.rng.choices(self._surnames, weights=self._weights)[0]
            given = self.rng.choice(GIVEN_NAMES_TWO if self.rng.random() < 0.75 else GIVEN_NAMES_ONE)
            name = surname + given
            if name not in self._full_names:
                self._full_names.add(name)
                return name

    def username(self, full_name: str) -> str:
        """ "张伟" → "zhangwei", then "zhangwei2", "zhangwei3"… for namesakes in sound."""
        base = re.sub(r"[^a-z]", "", "".join(lazy_pinyin(full_name, style=Style.NORMAL)).lower()) or "user"
        candidate, n = base, 1
        while candidate in self._usernames:
            n += 1
            candidate = f"{base}{n}"
        self._usernames.add(candidate)
        return candidate

    def mobile(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self._mobiles:
                self._mobiles.add(number)
                return number
