"""Checks of an indicator tree: the same rules for a saved system and for rows being imported.

``check_tree`` works on plain rows (``TreeRow``), so the spreadsheet importer can check a file
before anything is written, and ``tree_issues`` runs it over a saved system (one query). Errors
make a tree unusable (an import is refused); warnings point at published totals that do not
add up, or leaves that cannot be scored yet — official systems sometimes have those, so they
are shown, not refused.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from chuangcheng.indicators.models import MAX_INDICATOR_LEVEL, Indicator

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class TreeIssue:
    """One finding about a tree.

    ``code`` names the kind of finding (stable, for programs and tests: "negative_score",
    "cycle"…); ``message`` says it in the user's language. ``indicator_code`` is the code of
    the indicator concerned, ``field`` the model field at fault, ``ref`` whatever the caller
    passed in with the row (the importer passes the row number).
    """

    severity: str
    code: str
    message: str
    indicator_code: str = ""
    field: str = ""
    ref: Any = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


@dataclass
class TreeRow:
    """The part of an indicator the tree checks need."""

    code: str
    parent_code: str = ""
    level: int | None = None
    max_score: Decimal | None = None
    weight: Decimal | None = None
    method: str = ""
    ref: Any = None


def _fmt(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f")


def check_tree(
    rows: Iterable[TreeRow], *, declares_totals: bool, total_score: Decimal | None = None
) -> list[TreeIssue]:
    """Every error and warning about a tree given as rows (in any order). Errors come first
    in row order, then warnings."""
    issues: list[TreeIssue] = []

    def add(severity, code, row, message, field=""):
        issues.append(TreeIssue(severity, code, message, indicator_code=row.code, field=field, ref=row.ref))

    # 1. duplicate codes: the first row with a code counts, later ones are errors
    nodes: dict[str, TreeRow] = {}
    for row in rows:
        if row.code in nodes:
            add(
                ERROR,
                "duplicate_code",
                row,
                _("The code {code} is used by more than one indicator.").format(code=row.code),
                "code",
            )
            continue
        nodes[row.code] = row

    children: dict[str, list[TreeRow]] = defaultdict(list)
    for row in nodes.values():
        # 2. scores
        if row.max_score is not None and row.max_score < 0:
            add(
                ERROR,
                "negative_score",
                row,
                _("Indicator {code}: the score must not be negative ({score}).").format(
                    code=row.code, score=_fmt(row.max_score)
                ),
                "max_score",
            )
        if row.weight is not None and row.weight < 0:
            add(
                ERROR,
                "negative_weight",
                row,
                _("Indicator {code}: the weight must not be negative ({weight}).").format(
                    code=row.code, weight=_fmt(row.weight)
                ),
                "weight",
            )
        # 3. level range
        if row.level is not None and row.level > MAX_INDICATOR_LEVEL:
            add(
                ERROR,
                "level_too_deep",
                row,
                _(
                    "Indicator {code}: level {level} is deeper than the {max} levels a system may have."
                ).format(code=row.code, level=row.level, max=MAX_INDICATOR_LEVEL),
                "level",
            )
        elif row.level is not None and row.level < 1:
            add(
                ERROR,
                "level_invalid",
                row,
                _("Indicator {code}: the level must be 1, 2 or 3.").format(code=row.code),
                "level",
            )
        # 4. parents
        if row.parent_code:
            if row.parent_code not in nodes:
                add(
                    ERROR,
                    "unknown_parent",
                    row,
                    _("Indicator {code}: its parent {parent} is not among the indicators.").format(
                        code=row.code, parent=row.parent_code
                    ),
                    "parent",
                )
            else:
                children[row.parent_code].append(row)

    # 5. cycles: follow each chain of parents; a chain that comes back to itself is a cycle
    in_cycle: set[str] = set()
    settled: set[str] = set()
    for start in nodes:
        if start in settled:
            continue
        chain: list[str] = []
        position: dict[str, int] = {}
        code = start
        while code and code in nodes and code not in settled:
            if code in position:
                loop = chain[position[code] :]
                in_cycle.update(loop)
                path = " → ".join([*loop, code])
                for member in loop:
                    add(
                        ERROR,
                        "cycle",
                        nodes[member],
                        _("Indicator {code}: its parents form a cycle ({path}).").format(
                            code=member, path=path
                        ),
                        "parent",
                    )
                break
            position[code] = len(chain)
            chain.append(code)
            code = nodes[code].parent_code
        settled.update(chain)

    # 6. each level is its parent's level + 1, and the top level is 1
    for row in nodes.values():
        if row.level is None or row.code in in_cycle:
            continue
        if not row.parent_code:
            if row.level != 1:
                add(
                    ERROR,
                    "level_mismatch",
                    row,
                    _("Indicator {code} has no parent, so its level must be 1, not {level}.").format(
                        code=row.code, level=row.level
                    ),
                    "level",
                )
            continue
        parent = nodes.get(row.parent_code)
        if parent is None or parent.level is None or parent.code in in_cycle:
            continue
        if row.level != parent.level + 1:
            add(
                ERROR,
                "level_mismatch",
                row,
                _(
                    "Indicator {code} is at level {level}, but its parent {parent} is at level"
                    " {parent_level}: it must be at level {expected}."
                ).format(
                    code=row.code,
                    level=row.level,
                    parent=parent.code,
                    parent_level=parent.level,
                    expected=parent.level + 1,
                ),
                "level",
            )

    # 7. children within their parent's score
    for parent_code, kids in children.items():
        parent = nodes[parent_code]
        if parent.max_score is None or parent.code in in_cycle:
            continue
        scored = [kid.max_score for kid in kids if kid.max_score is not None]
        if not scored:
            continue
        total = sum(scored, Decimal("0"))
        if total > parent.max_score and declares_totals:
            add(
                ERROR,
                "children_exceed",
                parent,
                _(
                    "Indicator {code}: its sub-indicators add up to {total}, more than its own score {score}."
                ).format(code=parent.code, total=_fmt(total), score=_fmt(parent.max_score)),
                "max_score",
            )
        elif total != parent.max_score and (total > parent.max_score or len(scored) == len(kids)):
            add(
                WARNING,
                "children_mismatch",
                parent,
                _("Indicator {code}: its sub-indicators add up to {total}, not to its score {score}.").format(
                    code=parent.code, total=_fmt(total), score=_fmt(parent.max_score)
                ),
                "max_score",
            )

    # 8. the top level against the declared total
    roots = [row for row in nodes.values() if not row.parent_code]
    root_scores = [row.max_score for row in roots if row.max_score is not None]
    if total_score is not None and root_scores:
        total = sum(root_scores, Decimal("0"))
        if total != total_score:
            issues.append(
                TreeIssue(
                    WARNING,
                    "total_mismatch",
                    _(
                        "The top-level indicators add up to {total}, not to the declared total score {score}."
                    ).format(total=_fmt(total), score=_fmt(total_score)),
                    field="total_score",
                )
            )

    # 9. leaves that cannot be scored yet
    for row in nodes.values():
        if row.code in children:
            continue
        if not row.method:
            add(
                WARNING,
                "leaf_without_method",
                row,
                _("Indicator {code} has no sub-indicators and no assessment method.").format(code=row.code),
                "method",
            )
        if row.max_score is None and row.weight is None:
            add(
                WARNING,
                "leaf_without_score",
                row,
                _("Indicator {code} has no sub-indicators and neither a score nor a weight.").format(
                    code=row.code
                ),
                "max_score",
            )

    issues.sort(key=lambda issue: issue.severity != ERROR)  # stable: errors first, each in order
    return issues


def tree_issues(system) -> list[TreeIssue]:
    """Errors and warnings about a saved system's indicator tree (one query)."""
    rows = [
        TreeRow(
            code=code,
            parent_code=parent_code or "",
            level=level,
            max_score=max_score,
            weight=weight,
            method=method,
            ref=pk,
        )
        for pk, code, parent_code, level, max_score, weight, method in Indicator.objects.filter(system=system)
        .order_by("sort_order", "id")
        .values_list("pk", "code", "parent__code", "level", "max_score", "weight", "method")
    ]
    return check_tree(rows, declares_totals=system.declares_totals, total_score=system.total_score)
