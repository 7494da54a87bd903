"""Forms of the evaluation pages. They parse and check fields; the rules themselves are checked
by ``rules.from_data`` (one place), whose error keys are mapped back onto the fields here."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chuangcheng.scoring import rules as scoring_rules
from chuangcheng.scoring.choices import SanctionKind, SanctionStatus

MONTH_INPUT = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


class MonthField(forms.DateField):
    """A month typed as YYYY-MM (``<input type="month">``), cleaned to its first day."""

    widget = MONTH_INPUT
    input_formats = ["%Y-%m"]
    default_error_messages = {"invalid": _("Give a month as YYYY-MM, e.g. 2026-11.")}


class RunMonthForm(forms.Form):
    month = MonthField(label=_("Month to evaluate"))


class PublishForm(forms.Form):
    """Publishing a draft; a correction of a published month needs a reason (the action checks
    it too — this only says it next to the field)."""

    reason = forms.CharField(
        label=_("Why this correction replaces the published version"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, is_correction=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = is_correction


# --- the rules -----------------------------------------------------------------------------------
# rule code → how the settings legend and the ledger describe it ({n}: its number)
RULE_LABELS = {
    "top": _("Top {n} of each peer group"),
    "bottom": _("Bottom {n} of each peer group"),
    "point_fail_streak": _("A point failing {n} months running (its point leader)"),
    "rebound": _("Each rebound of the month (its unit)"),
}
RULE_CODE = re.compile(r"^(?P<rule>[a-z_]+?)(?P<n>\d*)$")


def rule_label(code: str) -> str:
    """A ledger entry's rule ("top3", "point_fail_streak2", "rebound") in words."""
    match = RULE_CODE.match(code or "")
    if match is None or match["rule"] not in RULE_LABELS:
        return code
    return str(RULE_LABELS[match["rule"]]).format(n=match["n"] or "")


def _number(label, **extra):
    return forms.DecimalField(label=label, max_digits=6, decimal_places=2, **extra)


SEPARATORS = re.compile(r"[,，、\s]+")


class SettingsForm(forms.Form):
    """Every number of ``rules.Rules``; the month weights as one comma-separated field and the
    reward/penalty rules as lines "rule,kind,n,points"."""

    pass_line = _number(_("Pass line (mean score)"))
    min_observations = forms.IntegerField(
        label=_("Minimum observations to be ranked"),
        help_text=_("Inspections of a unit's points plus its problems due; fewer is “insufficient sample”."),
    )
    points_weight = _number(_("Weight of the points' pass rate"))
    rectification_weight = _number(_("Weight of the rectification value"))
    closing_weight = _number(_("Closing rate (结案率) weight"))
    on_time_weight = _number(_("On-time rate (按期处置率) weight"))
    rework_weight = _number(_("100 − rework rate (返工率) weight"))
    workload_weight = _number(_("Workload weight"))
    rebound_deduction = _number(
        _("Deduction per rebound"),
        help_text=_(
            "Counted per 10 problems due: a unit with more than 10 loses it in proportion "
            "(20 problems due, 2 rebounds: one deduction)."
        ),
    )
    overdue_deduction = _number(
        _("Deduction per overdue problem"), help_text=_("Counted per 10 problems due, like rebounds.")
    )
    band_a = _number(_("Band A from"))
    band_b = _number(_("Band B from"))
    band_c = _number(_("Band C from"))
    band_d = _number(_("Band D from"))
    month_weights = forms.CharField(
        label=_("Month weights in the annual value"),
        max_length=200,
        help_text=_("Twelve numbers, January first, separated by commas."),
    )
    sanctions = forms.CharField(
        label=_("Rules, one a line"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=_("rule,kind,n,points — e.g. bottom,deduction,3,2 (the codes are below)."),
    )
    reason = forms.CharField(label=_("Reason for the change"), max_length=300)

    DECIMALS = tuple(scoring_rules.DECIMALS)
    GROUPS = (
        (_("Passing and ranking"), ("pass_line", "min_observations")),
        (_("Composite value"), ("points_weight", "rectification_weight")),
        (
            _("Rectification value (数字城管 formula)"),
            ("closing_weight", "on_time_weight", "rework_weight", "workload_weight"),
        ),
        (_("Deductions"), ("rebound_deduction", "overdue_deduction")),
        (_("Bands of the composite value"), ("band_a", "band_b", "band_c", "band_d")),
        (_("Annual performance"), ("month_weights",)),
    )

    @staticmethod
    def initial_from(rules: scoring_rules.Rules) -> dict:
        data = rules.to_data()
        initial = {name: data[name] for name in (*SettingsForm.DECIMALS, "min_observations")}
        initial["month_weights"] = ", ".join(data["month_weights"])
        initial["sanctions"] = "\n".join(
            f"{r['rule']},{r['kind']},{r['n']},{r['points']}" for r in data["sanctions"]
        )
        return initial

    def groups(self):
        """The fields in their fieldsets, for the template."""
        return [(title, [self[name] for name in names]) for title, names in self.GROUPS]

    def clean_month_weights(self):
        return [w for w in SEPARATORS.split(self.cleaned_data["month_weights"].strip()) if w]

    def clean_sanctions(self):
        """Lines → rule dicts; the rule and kind codes are checked by ``rules.from_data``. Keeps
        each rule's line number for the messages."""
        rows, self._sanction_lines = [], []
        for number, line in enumerate(self.cleaned_data["sanctions"].splitlines(), start=1):
            parts = [p.strip() for p in re.split(r"[,，]", line)]
            if not any(parts):
                continue
            if len(parts) > 4 or len(parts) < 2:
                raise ValidationError(
                    _("Line {line}: write rule,kind,n,points.").format(line=number), code="format"
                )
            parts += ["0"] * (4 - len(parts))
            rows.append({"rule": parts[0], "kind": parts[1], "n": parts[2] or "0", "points": parts[3] or "0"})
            self._sanction_lines.append(number)
        return rows

    def rules_data(self) -> dict:
        """The cleaned fields as ``ScoringSettings.data`` (what ``rules.from_data`` reads)."""
        data = self.cleaned_data
        values = {name: str(data[name]) for name in self.DECIMALS}
        values["min_observations"] = data["min_observations"]
        values["month_weights"] = data["month_weights"]
        values["sanctions"] = data["sanctions"]
        return values

    def add_rule_errors(self, error: ValidationError):
        """Put ``rules.from_data``'s (or ``save_settings``') errors next to their fields."""
        lines = getattr(self, "_sanction_lines", [])
        for key, messages in error.message_dict.items():
            if key.startswith("sanctions."):
                index = int(key.split(".", 1)[1])
                line = lines[index] if index < len(lines) else index + 1
                for message in messages:
                    self.add_error(
                        "sanctions", _("Line {line}: {message}").format(line=line, message=message)
                    )
            elif key in self.fields:
                for message in messages:
                    self.add_error(key, message)
            else:
                for message in messages:
                    self.add_error(None, message)

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                scoring_rules.from_data(self.rules_data())
            except ValidationError as error:
                self.add_rule_errors(error)
        return data


def sanction_legend() -> dict:
    """The codes a rules line may use, with what they mean."""
    return {
        "rules": [(code, str(label).format(n="n")) for code, label in RULE_LABELS.items()],
        "kinds": list(SanctionKind.choices),
    }


# --- the ledger ----------------------------------------------------------------------------------
class SanctionFilterForm(forms.Form):
    month = MonthField(label=_("Month"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *SanctionKind.choices]
    )
    status = forms.ChoiceField(
        label=_("Current status"), required=False, choices=[("", _("All statuses")), *SanctionStatus.choices]
    )


class MoveSanctionForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (s, s.label) for s in (SanctionStatus.CONFIRMED, SanctionStatus.APPLIED, SanctionStatus.WITHDRAWN)
        ]
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)
