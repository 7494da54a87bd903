"""Small constructors that keep the reference data modules readable.

They return plain dicts (no models, no database), so the data can be read, checked and
patched in tests like any other Python structure. ``loader.validate`` checks them.
"""

from decimal import Decimal


def _decimal(value):
    return None if value is None else Decimal(str(value))


def node(code, name, score=None, children=(), *, weight=None, description="", notes=""):
    """A parent indicator (测评项目 / 测评内容) with its children."""
    return {
        "code": code,
        "name": name,
        "max_score": _decimal(score),
        "weight": _decimal(weight),
        "method": "",
        "lead": "",
        "cooperating": [],
        "point_types": [],
        "description": description,
        "notes": notes,
        "children": list(children),
    }


def leaf(
    code,
    name,
    score=None,
    *,
    method,
    lead="",
    cooperating=(),
    point_types="",
    weight=None,
    description="",
    notes="",
):
    """A leaf indicator (测评标准): scored (or weighted), with its method and responsible units.

    ``point_types`` is a space-separated list of point type codes where the leaf is checked;
    the loader adds the point types whose check items serve it.
    """
    return {
        "code": code,
        "name": name,
        "max_score": _decimal(score),
        "weight": _decimal(weight),
        "method": method,
        "lead": lead,
        "cooperating": list(cooperating),
        "point_types": point_types.split(),
        "description": description,
        "notes": notes,
        "children": [],
    }


# Status-scale cut-offs: the number of violations (例) observed from which an item drops to B, C
# and C#. The first two are the examples of a published 街道测评细则 [V* S16].
ONE_STRIKE = {"b": None, "c": None, "c_sharp": 1}  # A 0 例 · C# 1 例 (its 4-point item)
GRADED = {"b": 1, "c": 2, "c_sharp": 3}  # A 0 · B 1 · C 2 · C# 3 例 (its 6-point item)
GRADED_WIDE = {"b": 2, "c": 4, "c_sharp": 6}  # for things seen many times along a 500 m walk


def passfail(text, serves, deduction, *, veto=False, photo=True):
    """A pass/fail check item: failing it loses ``deduction`` points.

    ``serves`` is a space-separated list of "system:code" indicator references, the system being
    ``civ`` (文明城市), ``san`` (卫生县), ``for`` (森林城市) or ``gar`` (园林县城).
    """
    return {
        "text": text,
        "serves": serves.split(),
        "scoring_mode": "pass_fail",
        "deduction": _decimal(deduction),
        "points": None,
        "b": None,
        "c": None,
        "c_sharp": None,
        "is_veto": veto,
        "photo_required_on_failure": photo,
    }


def scale(text, serves, points, cutoffs, *, veto=False, photo=True):
    """A check item scored on the status scale A/B/C/C# (100/66/33/0 % of ``points``)."""
    return {
        "text": text,
        "serves": serves.split(),
        "scoring_mode": "status_scale",
        "deduction": None,
        "points": _decimal(points),
        **cutoffs,
        "is_veto": veto,
        "photo_required_on_failure": photo,
    }
