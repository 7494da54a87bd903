"""Forms of the office pages: a new plan (pool, rules, windows), an amendment, a cancellation.

The forms only parse and check what a person typed; the rules of plans (who may be drawn, what
is feasible, conflicts of interest) live in ``actions`` and come back as ActionError.
"""

from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuangcheng.indicators.models import PointType
from chuangcheng.inspections import actions
from chuangcheng.inspections import draw as drawing
from chuangcheng.inspections.choices import NEVER_SECRET, SECRET_BY_DEFAULT, DayPart, PlanKind
from chuangcheng.org.choices import TERRITORIAL_KINDS, UnitKind
from chuangcheng.org.models import OrgUnit, User
from chuangcheng.points.choices import PointStatus
from chuangcheng.points.models import Point

RANGE_ROWS = 3
MAX_PERIOD_DAYS = 366
WEEKDAYS = [
    (0, _("Mon")),
    (1, _("Tue")),
    (2, _("Wed")),
    (3, _("Thu")),
    (4, _("Fri")),
    (5, _("Sat")),
    (6, _("Sun")),
]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def next_month(today: date | None = None) -> tuple[date, date]:
    """The first and last day of the calendar month after ``today``."""
    today = today or timezone.localdate()
    first = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return first, last


def _person_label(person):
    unit = person.unit.name if person.unit_id else ""
    return f"{person.display_name}（{unit}）" if unit else person.display_name


def _number(label, *, initial=None, required=True, min_value=0, max_value=None, help_text=""):
    return forms.IntegerField(
        label=label,
        initial=initial,
        required=required,
        min_value=min_value,
        max_value=max_value,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class PlanForm(forms.Form):
    """A new inspection plan: what, when, whom (the pool) and how (the rules of the draw)."""

    name = forms.CharField(label=_("Name of the plan"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=PlanKind.choices, initial=PlanKind.COVERT)
    is_covert = forms.BooleanField(
        label=_("Covert: kept from the inspected units until the period ends (三不三无)"),
        required=False,
        initial=True,
        help_text=_(
            "On by default for covert inspections, re-checks and mock assessments; "
            "always off for announced inspections and self-inspections."
        ),
    )
    self_unit = forms.ModelChoiceField(
        label=_("Unit that inspects itself"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("— choose —"),
        help_text=_("Only for a self-inspection: the unit's own staff inspect its own points."),
    )
    period_start = forms.DateField(label=_("Period starts"), widget=DATE)
    period_end = forms.DateField(label=_("Period ends"), widget=DATE)
    notes = forms.CharField(
        label=_("Notes on the plan"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    # --- the pool ------------------------------------------------------------------------------
    point_types = forms.ModelMultipleChoiceField(
        label=_("Point types"),
        queryset=PointType.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every type."),
    )
    townships = forms.ModelMultipleChoiceField(
        label=_("Townships/streets"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the whole area."),
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Responsible units"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every unit."),
    )
    recent_problem_days = _number(
        _("Only points with problems closed in the last … days"),
        required=False,
        min_value=1,
        max_value=365,
        help_text=_("For a re-check (回头看). Leave empty to take every point."),
    )
    inspectors = forms.ModelMultipleChoiceField(
        label=_("Inspectors"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The people who may be drawn. For a self-inspection the unit's own staff are drawn."),
    )

    # --- the rules -----------------------------------------------------------------------------
    visits_per_point = _number(
        _("Visits per point"), initial=1, max_value=62, help_text=_("Every pooled point at least this often.")
    )
    sample_per_type = _number(
        _("Sample per point type"),
        required=False,
        min_value=1,
        max_value=10000,
        help_text=_("Draw only this many points of each type. Leave empty to take every point."),
    )
    extra_visits = _number(
        _("Extra visits by risk"),
        initial=0,
        max_value=10000,
        help_text=_("More visits, to points drawn by their risk (recent failures, complaints)."),
    )
    risk_weighting = forms.BooleanField(
        label=_("Weight by risk: points with recent failures are drawn more often"),
        required=False,
        initial=True,
    )
    inspectors_per_visit = forms.TypedChoiceField(
        label=_("Inspectors per visit"),
        choices=[(1, _("One")), (2, _("Two (双随机)"))],
        coerce=int,
        initial=1,
        widget=forms.RadioSelect,
    )
    max_visits_per_inspector = _number(
        _("Most visits per inspector in the plan"),
        required=False,
        min_value=1,
        max_value=10000,
        help_text=_("Leave empty for no limit."),
    )
    max_visits_per_slot = _number(
        _("Most visits per inspector in one window"),
        initial=4,
        min_value=1,
        max_value=20,
        help_text=_("A window is one part of one day."),
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays"),
        choices=WEEKDAYS,
        coerce=int,
        initial=[0, 1, 2, 3, 4, 5, 6],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one weekday.")},
    )
    day_parts = forms.MultipleChoiceField(
        label=_("Parts of the day"),
        choices=DayPart.choices,
        initial=[DayPart.MORNING, DayPart.AFTERNOON],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one part of the day.")},
    )

    def __init__(self, *args, area, **kwargs):
        super().__init__(*args, **kwargs)
        self.area = area
        for number in range(1, RANGE_ROWS + 1):
            self.fields[f"range{number}_start"] = forms.DateField(
                label=_("From"), required=False, widget=DATE
            )
            self.fields[f"range{number}_end"] = forms.DateField(label=_("To"), required=False, widget=DATE)
        if not self.is_bound:
            start, end = next_month()
            self.initial.setdefault("period_start", start)
            self.initial.setdefault("period_end", end)
            self.initial.setdefault("range1_start", start)
            self.initial.setdefault("range1_end", end)
        self.fields["point_types"].queryset = PointType.objects.filter(area=area, is_active=True).order_by(
            "sort_order", "code"
        )
        self.fields["townships"].queryset = OrgUnit.objects.filter(
            path__startswith=area.path,
            kind__in=sorted(TERRITORIAL_KINDS - {UnitKind.COMMUNITY}),
            is_active=True,
        ).order_by("sort_order", "name_pinyin")
        self.fields["units"].queryset = OrgUnit.objects.filter(
            pk__in=Point.objects.filter(area=area, status=PointStatus.ACTIVE).values("responsible_unit")
        ).order_by("kind", "sort_order", "name_pinyin")
        self.fields["self_unit"].queryset = (
            OrgUnit.objects.filter(path__startswith=area.path, is_active=True)
            .exclude(pk=area.pk)
            .exclude(kind__in=[UnitKind.CAMPAIGN_OFFICE, UnitKind.LEADING_GROUP])
            .order_by("kind", "sort_order", "name_pinyin")
        )
        people = actions.eligible_inspectors(area).select_related("unit").order_by("name_pinyin", "username")
        self.fields["inspectors"].queryset = people
        self.fields["inspectors"].label_from_instance = _person_label
        if not self.is_bound:
            self.initial.setdefault("inspectors", [p.pk for p in people])
        messages = {
            "point_types": _("Choose point types of this area."),
            "townships": _("Choose townships or streets of this area."),
            "units": _("Choose units of this area."),
            "self_unit": _("Choose a unit of this area."),
            "inspectors": _("Choose inspectors of this area."),
        }
        for name, message in messages.items():
            self.fields[name].error_messages["invalid_choice"] = message
            self.fields[name].error_messages["invalid_pk_value"] = message

    # the date-range rows, for the template
    def range_rows(self):
        return [
            (self[f"range{number}_start"], self[f"range{number}_end"]) for number in range(1, RANGE_ROWS + 1)
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end:
            if end < start:
                self.add_error("period_end", _("The period ends before it starts."))
            elif (end - start).days >= MAX_PERIOD_DAYS:
                self.add_error("period_end", _("A plan covers at most a year."))
        kind = data.get("kind")
        if kind == PlanKind.SELF and not data.get("self_unit"):
            self.add_error("self_unit", _("A self-inspection plan names the unit that inspects itself."))
        ranges = []
        for number in range(1, RANGE_ROWS + 1):
            a, b = data.get(f"range{number}_start"), data.get(f"range{number}_end")
            if a is None and b is None:
                continue
            if a is None or b is None:
                self.add_error(f"range{number}_start", _("Give both the first and the last day."))
                continue
            if b < a:
                self.add_error(f"range{number}_end", _("The range ends before it starts."))
                continue
            if start and end and (a < start or b > end):
                self.add_error(f"range{number}_start", _("The range must lie within the plan's period."))
                continue
            ranges.append((a, b))
        if not ranges and start and end and end >= start and not self.errors:
            ranges = [(start, end)]  # no range given: the whole period
        data["date_ranges"] = tuple(ranges)
        return data

    def is_covert_value(self) -> bool:
        data = self.cleaned_data
        if data["kind"] in NEVER_SECRET:
            return False
        return bool(data.get("is_covert"))

    def to_input(self) -> actions.PlanInput:
        data = self.cleaned_data
        kind = data["kind"]
        self_unit = data.get("self_unit") if kind == PlanKind.SELF else None
        if self_unit is not None:
            # a self-inspection is made by the unit's own staff, whoever was ticked above
            inspector_ids = list(
                actions.eligible_inspectors(self.area, self_unit).values_list("pk", flat=True)
            )
        else:
            inspector_ids = [p.pk for p in data.get("inspectors") or []]
        rules = drawing.Rules(
            date_ranges=data["date_ranges"],
            day_parts=tuple(p for p in drawing.DAY_PARTS if p in data["day_parts"]),
            weekdays=tuple(sorted(set(data["weekdays"]))),
            visits_per_point=data["visits_per_point"],
            sample_per_type=data.get("sample_per_type"),
            extra_visits=data.get("extra_visits") or 0,
            inspectors_per_visit=data["inspectors_per_visit"],
            max_visits_per_inspector=data.get("max_visits_per_inspector"),
            max_visits_per_slot=data["max_visits_per_slot"],
            risk_weighting=bool(data.get("risk_weighting")),
        )
        return actions.PlanInput(
            area=self.area,
            name=data["name"].strip(),
            kind=kind,
            period_start=data["period_start"],
            period_end=data["period_end"],
            rules=rules,
            inspector_ids=inspector_ids,
            point_type_ids=[t.pk for t in data.get("point_types") or []],
            township_ids=[u.pk for u in data.get("townships") or []],
            unit_ids=[u.pk for u in data.get("units") or []],
            recent_problem_days=data.get("recent_problem_days"),
            is_covert=self.is_covert_value(),
            self_unit=self_unit,
            notes=data.get("notes", ""),
        )

    @staticmethod
    def secret_kinds() -> list[str]:
        return sorted(SECRET_BY_DEFAULT)


class AmendForm(forms.Form):
    """Replace a pending assignment by hand: other inspector(s), day or part of the day, and why."""

    inspector = forms.ModelChoiceField(label=_("Inspector"), queryset=User.objects.none())
    second_inspector = forms.ModelChoiceField(
        label=_("Second inspector"), queryset=User.objects.none(), required=False, empty_label=_("— none —")
    )
    day = forms.DateField(label=_("Day"), widget=DATE)
    day_part = forms.ChoiceField(label=_("Part of the day"), choices=DayPart.choices)
    reason = forms.CharField(
        label=_("Reason for the amendment"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the plan with your name: an amendment is never silent."),
        error_messages={"required": _("Give the reason for the amendment.")},
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        people = (
            actions.eligible_inspectors(plan.area, plan.self_unit)
            .select_related("unit")
            .order_by("name_pinyin", "username")
        )
        for name in ("inspector", "second_inspector"):
            self.fields[name].queryset = people
            self.fields[name].label_from_instance = _person_label
            self.fields[name].error_messages["invalid_choice"] = _("Choose an inspector of this plan's area.")
        self.fields["day"].widget.attrs.update(
            {"min": plan.period_start.isoformat(), "max": plan.period_end.isoformat()}
        )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Give the reason for the amendment."))
        return reason

    def clean(self):
        data = super().clean()
        day = data.get("day")
        if day and not (self.plan.period_start <= day <= self.plan.period_end):
            self.add_error("day", _("The new day lies outside the plan's period."))
        first, second = data.get("inspector"), data.get("second_inspector")
        if first and second and first.pk == second.pk:
            self.add_error("second_inspector", _("The two inspectors must be different people."))
        return data

    def to_input(self) -> actions.AmendInput:
        data = self.cleaned_data
        return actions.AmendInput(
            inspector=data["inspector"],
            second_inspector=data.get("second_inspector"),
            day=data["day"],
            day_part=data["day_part"],
            reason=data["reason"],
        )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give the reason for cancelling the plan.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Give the reason for cancelling the plan."))
        return reason
