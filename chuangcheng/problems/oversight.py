"""问责监督: the read-only view of the discipline inspection commission (纪委监委) and the
organisation department (组织部) — which units and which people let problems run overdue,
bounce back from verification, or come back after closing.

Every figure is one grouped query over the problems the viewer may see (no loop over rows);
a covert finding still under embargo is left out, since its unit has not been told of it.
"""

from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from chuangcheng.org.choices import AREA_ROLES, UnitKind
from chuangcheng.org.models import OrgUnit, User
from chuangcheng.problems.choices import UNIT_TODO_STATES
from chuangcheng.problems.models import Problem
from chuangcheng.problems.querysets import not_embargoed_q

ROW_LIMIT = 200  # units or people per table; the worst first
WORST_LIMIT = 30  # overdue problems listed by name


def may_oversee(user) -> bool:
    """Those who answer for the whole campaign area: oversight, leaders, the office, task forces."""
    return user.is_authenticated and (user.is_superuser or user.has_role(*AREA_ROLES))


class OversightForm(forms.Form):
    found_from = forms.DateField(
        label=_("Found from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    found_to = forms.DateField(
        label=_("Found until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    kind = forms.ChoiceField(
        label=_("Units"),
        required=False,
        choices=[
            ("", _("All units")),
            ("territorial", _("Townships and streets")),
            ("department", _("Departments")),
        ],
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("found_from"), data.get("found_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data


def figures() -> dict:
    """The accountability figures of a group of problems, as aggregate expressions."""
    now = timezone.now()
    # overdue counts against the unit only while it has the next move: a fix awaiting the
    # office's verification is the office's delay (as housekeeping sees it)
    is_open = Q(status__in=sorted(UNIT_TODO_STATES))
    return {
        "total": Count("pk"),
        "overdue": Count("pk", filter=is_open & Q(deadline__lt=now)),
        "closed_late": Count("pk", filter=Q(rectified_on_time=False)),
        "rectified": Count("pk", filter=Q(rectified_on_time__isnull=False)),
        "reworked": Count("pk", filter=Q(rework_count__gt=0)),
        "reworks": Sum("rework_count"),
        "rebounds": Count("pk", filter=Q(is_rebound=True)),
        "extensions": Sum("extension_count"),
    }


def _worst_first(rows) -> list[dict]:
    rows = [r for r in rows if r["overdue"] or r["closed_late"] or r["reworked"] or r["rebounds"]]
    for row in rows:
        row["on_time_rate"] = (
            round(100 * (row["rectified"] - row["closed_late"]) / row["rectified"], 1)
            if row["rectified"]
            else None
        )
    rows.sort(key=lambda r: (-r["overdue"], -r["rebounds"], -(r["reworks"] or 0), -r["closed_late"]))
    return rows[:ROW_LIMIT]


@dataclass
class Accountability:
    by_unit: list[dict]
    by_person: list[dict]
    worst: list
    totals: dict


def accountability(problems) -> Accountability:
    """Figures by responsible unit (with its principal and leader in charge) and by point leader."""
    problems = problems.filter(not_embargoed_q(), responsible_unit__isnull=False)
    unit_rows = list(problems.values("responsible_unit").annotate(**figures()).order_by())
    units = OrgUnit.objects.in_bulk([r["responsible_unit"] for r in unit_rows])
    leader_ids = {u.principal_id for u in units.values()} | {u.leader_in_charge_id for u in units.values()}
    people = User.objects.in_bulk([pk for pk in leader_ids if pk])
    for row in unit_rows:
        unit = units[row["responsible_unit"]]
        row["unit"] = unit
        row["principal"] = people.get(unit.principal_id)
        row["leader_in_charge"] = people.get(unit.leader_in_charge_id)
    person_rows = list(
        problems.filter(point__point_leader__isnull=False)
        .values("point__point_leader")
        .annotate(**figures(), points=Count("point", distinct=True))
        .order_by()
    )
    leaders = User.objects.in_bulk([r["point__point_leader"] for r in person_rows])
    for row in person_rows:
        row["person"] = leaders[row["point__point_leader"]]
    worst = list(
        problems.overdue()
        .filter(status__in=sorted(UNIT_TODO_STATES))
        .select_related("responsible_unit", "point", "point__point_leader")
        .order_by("deadline", "pk")[:WORST_LIMIT]
    )
    totals = problems.aggregate(**figures())
    return Accountability(_worst_first(unit_rows), _worst_first(person_rows), worst, totals)


@require_GET
def oversight(request):
    """问责监督: overdue, reworked and rebounding problems by unit and by responsible person."""
    user = request.user
    if not may_oversee(user):
        raise PermissionDenied
    today = timezone.localdate()
    default_start = today - timedelta(days=365)  # a rolling year: last December's overdue still shows
    form = OversightForm(request.GET or None, initial={"found_from": default_start})
    problems = Problem.objects.visible_to(user)
    if form.is_bound and form.is_valid():
        start, end, kind = (
            form.cleaned_data["found_from"],
            form.cleaned_data["found_to"],
            form.cleaned_data["kind"],
        )
    else:
        start, end, kind = default_start, None, ""
    if start:
        problems = problems.filter(found_at__date__gte=start)
    if end:
        problems = problems.filter(found_at__date__lte=end)
    if kind == "department":
        problems = problems.filter(responsible_unit__kind=UnitKind.DEPARTMENT)
    elif kind == "territorial":
        problems = problems.exclude(responsible_unit__kind=UnitKind.DEPARTMENT)
    figures_ = accountability(problems)
    query = {"found_from": start.isoformat() if start else "", "found_to": end.isoformat() if end else ""}
    return render(
        request,
        "problems/oversight.html",
        {
            "form": form,
            "data": figures_,
            "now": timezone.now(),
            "list_query": "&".join(f"{k}={v}" for k, v in query.items() if v),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
