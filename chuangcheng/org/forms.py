from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuangcheng.core.uploads import clean_image
from chuangcheng.org.models import Pairing, User

MAX_VISIT_PHOTOS = 6


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several images in one field; each is checked by content and re-encoded (core.uploads)."""

    widget = MultipleFileInput

    def __init__(self, *args, max_files=MAX_VISIT_PHOTOS, **kwargs):
        self.max_files = max_files
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"accept": "image/jpeg,image/png,image/webp", "multiple": True})

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if self.required and not files:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(files) > self.max_files:
            raise ValidationError(
                _("At most {n} photos can be attached.").format(n=self.max_files), code="too_many_files"
            )
        cleaned, errors = [], []
        for upload in files:
            try:
                cleaned.append(clean_image(upload))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return tuple(cleaned)


class VisitForm(forms.Form):
    pairing = forms.ModelChoiceField(
        label=_("Paired unit"),
        queryset=Pairing.objects.none(),
        empty_label=_("— choose —"),
        error_messages={"invalid_choice": _("Choose one of your paired units.")},
    )
    visited_on = forms.DateField(
        label=_("Date of visit"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    notes = forms.CharField(
        label=_("What was discussed and found"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Up to 4000 characters."),
    )
    photos = MultipleImageField(label=_("Photos"), help_text=_("Up to 6 photos, JPEG/PNG/WebP, 10 MB each."))

    def __init__(self, *args, pairings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pairing"].queryset = pairings
        self.fields["pairing"].label_from_instance = self._pairing_label
        self.fields["visited_on"].initial = timezone.localdate()

    @staticmethod
    def _pairing_label(pairing):
        return f"{pairing.unit.name}（{pairing.leader.display_name}）"

    def clean_visited_on(self):
        day = self.cleaned_data["visited_on"]
        if day > timezone.localdate():
            raise ValidationError(_("The date of the visit cannot be in the future."), code="future")
        return day

    def clean_notes(self):
        notes = self.cleaned_data["notes"].strip()
        if len(notes) < 5:
            raise ValidationError(_("Please describe the visit in at least 5 characters."), code="too_short")
        return notes

    def clean(self):
        cleaned = super().clean()
        pairing, day = cleaned.get("pairing"), cleaned.get("visited_on")
        if pairing and day and not pairing.is_active_on(day):
            self.add_error("visited_on", _("The date of the visit lies outside the pairing's period."))
        return cleaned


class ResponsibilityForm(forms.Form):
    """一把手, 分管领导 and 专职干部 of one unit, chosen from its own members."""

    principal = forms.ModelChoiceField(
        label=_("Principal (一把手)"), queryset=User.objects.none(), required=False, empty_label=_("— none —")
    )
    leader_in_charge = forms.ModelChoiceField(
        label=_("Leader in charge (分管领导)"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— none —"),
    )
    full_time_staff = forms.ModelMultipleChoiceField(
        label=_("Full-time staff (专职干部)"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        members = unit.members.filter(is_active=True).order_by("name_pinyin")
        for name in ("principal", "leader_in_charge", "full_time_staff"):
            self.fields[name].queryset = members
            self.fields[name].label_from_instance = self._person_label
            self.fields[name].error_messages["invalid_choice"] = _("Choose a member of this unit.")
        self.fields["full_time_staff"].error_messages["invalid_choice"] = _("Choose members of this unit.")

    @staticmethod
    def _person_label(person):
        return f"{person.display_name}（{person.job_title}）" if person.job_title else person.display_name
