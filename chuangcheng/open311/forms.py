from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IssueKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Client"),
        max_length=100,
        help_text=_("Who will use the key, e.g. the county's WeChat mini program."),
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        help_text=_("The last day the key works (leave empty for no expiry)."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_valid_until(self):
        day = self.cleaned_data.get("valid_until")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("Choose today or a later day."))
        return day
