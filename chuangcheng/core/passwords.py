"""Password rules beyond Django's own validators."""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_CLASSES = (
    ("lower", lambda c: c in string.ascii_lowercase),
    ("upper", lambda c: c in string.ascii_uppercase),
    ("digit", lambda c: c.isdigit()),
    ("symbol", lambda c: not c.isalnum() and not c.isspace()),
)


class CharacterClassValidator:
    """At least ``min_classes`` of: lower-case letters, upper-case letters, digits, symbols (等保 2.0)."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        present = sum(1 for _name, test in _CLASSES if any(test(c) for c in password))
        if present < self.min_classes:
            raise ValidationError(
                _(
                    "This password must contain at least {n} of these: lower-case letters, "
                    "upper-case letters, digits and symbols."
                ).format(n=self.min_classes),
                code="password_too_simple",
            )

    def get_help_text(self):
        return _(
            "Your password must contain at least {n} of these: lower-case letters, upper-case "
            "letters, digits and symbols."
        ).format(n=self.min_classes)
