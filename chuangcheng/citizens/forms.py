"""The public report form (随手拍) and the "is it really fixed?" answer."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from chuangcheng.citizens import actions
from chuangcheng.citizens.choices import Channel
from chuangcheng.problems.models import Category


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to CITIZEN_MAX_PHOTOS images; each is checked by content in ``photos.prepare``."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(PhotosField, self).clean(f, initial) for f in files if f]


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, category):
        return category.name


class ReportForm(forms.Form):
    category = CategoryChoiceField(
        label=_("What is the problem?"), queryset=Category.objects.none(), empty_label=_("Choose…")
    )
    photos = PhotosField(
        label=_("Photos"),
        required=False,
        help_text=_("1 to 4 photos; the place and time in them are removed before they are kept."),
    )
    description = forms.CharField(
        label=_("Describe it (optional)"),
        required=False,
        max_length=actions.MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": actions.MAX_DESCRIPTION}),
    )
    latitude = forms.FloatField(required=False, widget=forms.HiddenInput)
    longitude = forms.FloatField(required=False, widget=forms.HiddenInput)
    gcj02 = forms.BooleanField(required=False, widget=forms.HiddenInput)
    address = forms.CharField(
        label=_("Where (address or landmark)"),
        required=False,
        max_length=200,
        help_text=_("Needed when the place is not marked on the map."),
    )
    phone = forms.CharField(
        label=_("Mobile number (optional)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_(
            "Only the campaign office sees it, to call you back; it is deleted after the problem is closed."
        ),
    )
    anonymous = forms.BooleanField(label=_("Report anonymously (no number kept)"), required=False)
    # set by the "same problem" choice of the nearby list (radio buttons named "join")
    join = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    client_key = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(self, area, *args, point=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.area, self.point = area, point
        self.fields["category"].queryset = (
            Category.objects.filter(area=area, parent__isnull=False, is_active=True)
            .select_related("parent")
            .order_by("parent__sort_order", "parent__code", "sort_order", "code")
        )
        if point is not None:  # the point's place is used: the address only adds detail
            self.fields["address"].help_text = ""
        if not self.is_bound:
            self.initial.setdefault("client_key", uuid.uuid4().hex)

    def grouped_categories(self):
        groups = {}
        for category in self.fields["category"].queryset:
            groups.setdefault(category.parent.name, []).append(category)
        return list(groups.items())

    def report_data(self, *, device: str) -> actions.ReportData:
        d = self.cleaned_data
        return actions.ReportData(
            area=self.area,
            client_key=d["client_key"],
            category=d["category"],
            description=d["description"],
            latitude=d["latitude"],
            longitude=d["longitude"],
            gcj02=bool(d["gcj02"]),
            address=d["address"],
            point=self.point,
            phone=d["phone"],
            anonymous=d["anonymous"],
            photos=d["photos"],
            join=d["join"],
            channel=Channel.QR if self.point is not None else Channel.WEB,
            device=device,
        )


class AnswerForm(forms.Form):
    fixed = forms.TypedChoiceField(
        label=_("Is it really fixed?"),
        choices=[("1", _("Yes, it is fixed")), ("0", _("No, it is not"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Anything to add (optional)"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
