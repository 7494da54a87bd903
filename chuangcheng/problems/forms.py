"""Forms of the problem pages. They parse and check fields; the rules live in ``actions``."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chuangcheng.indicators.models import PointType
from chuangcheng.org.choices import AREA_KINDS, Role
from chuangcheng.org.forms import MultipleFileInput
from chuangcheng.org.models import OrgUnit, User
from chuangcheng.points.models import Point
from chuangcheng.problems import transitions
from chuangcheng.problems.choices import Action, ProblemSource, Severity
from chuangcheng.problems.models import Category, NoteTemplate


class PhotosField(forms.FileField):
    """Several files in one field, returned as uploaded: ``actions`` checks each by content."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"accept": "image/*", "multiple": True})

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if self.required and not files:
            raise ValidationError(_("Add at least one photo of the fix."), code="required")
        if len(files) > settings.PROBLEM_MAX_PHOTOS:
            raise ValidationError(
                _("At most {n} photos can be attached.").format(n=settings.PROBLEM_MAX_PHOTOS)
            )
        return files


def area_units(area):
    """Units a problem of ``area`` can be assigned to: active, below the area, not an area."""
    return (
        OrgUnit.objects.filter(path__startswith=area.path, is_active=True)
        .exclude(kind__in=AREA_KINDS)
        .order_by("kind", "sort_order", "name_pinyin")
    )


DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class StepForm(forms.Form):
    """One workflow step on one problem: the fields the step needs, and nothing else."""

    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )
    unit = forms.ModelChoiceField(
        label=_("Responsible unit"), queryset=OrgUnit.objects.none(), required=False
    )
    deadline = forms.DateTimeField(
        label=_("Deadline"),
        required=False,
        widget=DATETIME_INPUT,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Leave empty to use the time limit of the category and severity."),
    )
    photos = PhotosField(label=_("Photos of the fix"))

    def __init__(self, *args, problem, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.problem, self.action = problem, action
        if action in transitions.NEEDS_UNIT:
            self.fields["unit"].queryset = area_units(problem.area)
            self.fields["unit"].required = True
            if problem.responsible_unit_id is None and problem.point_id:
                self.fields["unit"].initial = problem.point.responsible_unit_id
            elif (
                problem.responsible_unit_id is None
                and problem.category_id
                and problem.category.responsible_unit_id
            ):
                self.fields["unit"].initial = problem.category.responsible_unit_id
        else:
            del self.fields["unit"]
        if action in transitions.NEEDS_DEADLINE:
            self.fields["deadline"].required = True
            self.fields["deadline"].help_text = ""
        elif action not in transitions.NEEDS_UNIT:
            del self.fields["deadline"]
        if action in transitions.NEEDS_AFTER_PHOTOS:
            self.fields["photos"].required = settings.PROBLEM_MIN_AFTER_PHOTOS > 0
            self.fields["note"].label = _("What was done")
        else:
            del self.fields["photos"]
        if action in transitions.NEEDS_NOTE:
            self.fields["note"].required = True
            self.fields["note"].label = _("Reason") if action != Action.COMMENT else _("Comment")
        self.templates = list(
            NoteTemplate.objects.filter(area_id=problem.area_id, action=action).filter(
                Q(category__isnull=True) | Q(category_id=problem.category_id)
            )
        )


class NewProblemForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Source"),
        choices=[
            c for c in ProblemSource.choices if c[0] not in (ProblemSource.INSPECTION, ProblemSource.CITIZEN)
        ],
    )
    source_detail = forms.CharField(
        label=_("Source detail"),
        max_length=200,
        required=False,
        help_text=_("e.g. 《阳光问廉》第12期, or the leader's words"),
    )
    instructed_by = forms.ModelChoiceField(
        label=_("Instructing leader"), queryset=User.objects.none(), required=False
    )
    title = forms.CharField(label=_("Problem"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, required=False
    )
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.GENERAL)
    point = forms.ModelChoiceField(label=_("Point"), queryset=Point.objects.none(), required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    latitude = forms.DecimalField(
        label=_("Latitude"), max_digits=9, decimal_places=6, required=False, min_value=-90, max_value=90
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), max_digits=9, decimal_places=6, required=False, min_value=-180, max_value=180
    )
    unit = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=_("Leave empty to register it now and assign it later."),
    )
    deadline = forms.DateTimeField(
        label=_("Deadline"),
        required=False,
        widget=DATETIME_INPUT,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Leave empty to use the time limit of the category and severity."),
    )
    photos = PhotosField(label=_("Photos of the problem"))

    def __init__(self, *args, area, **kwargs):
        super().__init__(*args, **kwargs)
        self.area = area
        self.fields["instructed_by"].queryset = (
            User.objects.filter(
                is_active=True,
                role_assignments__role=Role.LEADER,
                role_assignments__unit__path__startswith=area.path,
            )
            .distinct()
            .order_by("name_pinyin")
        )
        self.fields["category"].queryset = (
            Category.objects.filter(area=area, is_active=True, parent__isnull=False)
            .select_related("parent")
            .order_by("category_class", "parent__code", "code")
        )
        self.fields["point"].queryset = Point.objects.filter(area=area).active().order_by("code")
        self.fields["unit"].queryset = area_units(area)

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))
        if data.get("source") == ProblemSource.LEADER and not data.get("instructed_by"):
            self.add_error("instructed_by", _("Name the leader who gave the instruction."))
        if data.get("deadline") and not data.get("unit"):
            self.add_error("unit", _("A deadline needs a unit to assign the problem to."))
        return data


class BulkForm(forms.Form):
    ACTIONS = [(Action.REGISTER, Action.REGISTER.label), (Action.ASSIGN, Action.ASSIGN.label)]
    ids = forms.CharField(widget=forms.HiddenInput, required=False)
    action = forms.ChoiceField(label=_("Step"), choices=ACTIONS)
    unit = forms.ModelChoiceField(
        label=_("Responsible unit"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=_("Empty: each problem goes to its point's responsible unit."),
    )

    def __init__(self, *args, area=None, **kwargs):
        super().__init__(*args, **kwargs)
        if area is not None:
            self.fields["unit"].queryset = area_units(area)


class RecheckForm(forms.Form):
    """举一反三: check every point of the problem's type."""

    point_type = forms.ModelChoiceField(label=_("Point type"), queryset=PointType.objects.none())
    period_start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))
    inspectors = forms.ModelMultipleChoiceField(
        label=_("Inspectors"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    mode = forms.ChoiceField(
        label=_("How"),
        choices=[
            ("recheck", _("A re-check plan (回头看) by inspectors")),
            ("self", _("Self-inspection by each point's unit")),
        ],
        initial="recheck",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, problem, **kwargs):
        super().__init__(*args, **kwargs)
        from chuangcheng.inspections.actions import eligible_inspectors

        self.fields["point_type"].queryset = PointType.objects.filter(area=problem.area).order_by(
            "sort_order", "code"
        )
        self.fields["point_type"].initial = problem.point_type_id
        self.fields["inspectors"].queryset = eligible_inspectors(problem.area)

    def clean(self):
        data = super().clean()
        if data.get("period_start") and data.get("period_end") and data["period_end"] < data["period_start"]:
            self.add_error("period_end", _("The end comes before the start."))
        if data.get("mode") == "recheck" and not data.get("inspectors"):
            self.add_error("inspectors", _("Choose the inspectors of the re-check."))
        return data
