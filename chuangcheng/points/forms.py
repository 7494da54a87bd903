from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chuangcheng.org.forms import MultipleImageField
from chuangcheng.org.models import User
from chuangcheng.points import actions
from chuangcheng.points.choices import CoordinateSystem, PointStatus

MAX_IMPORT_BYTES = 10 * 1024 * 1024


class PointForm(forms.Form):
    """Create or edit a point. Choices come from the point's area; the action re-checks them."""

    name = forms.CharField(label=_("Name of the point"), max_length=120)
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("Unique in the area, e.g. CG-001; printed on the QR card."),
    )
    point_type = forms.ModelChoiceField(label=_("Point type"), queryset=None, empty_label=_("— choose —"))
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    coordinate_system = forms.ChoiceField(
        label=_("Coordinate system"),
        choices=CoordinateSystem.choices,
        initial=CoordinateSystem.GCJ02,
        help_text=_(
            "Coordinates copied from 高德 or 腾讯 maps are GCJ-02; from a GPS device, WGS-84. "
            "They are stored as WGS-84."
        ),
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        max_digits=12,
        decimal_places=9,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "30.274100"}),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        max_digits=12,
        decimal_places=9,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "120.155100"}),
    )
    township = forms.ModelChoiceField(
        label=_("Township/street"), queryset=None, required=False, empty_label=_("— none —")
    )
    responsible_unit = forms.ModelChoiceField(
        label=_("Responsible unit"), queryset=None, empty_label=_("— choose —")
    )
    point_leader = forms.ModelChoiceField(
        label=_("Point leader"),
        queryset=None,
        empty_label=_("— choose —"),
        error_messages={"required": _("Choose the point leader (点长): every point must have one.")},
        help_text=_("Given the point-leader role at their unit if they do not hold it yet."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=PointStatus.choices, initial=PointStatus.ACTIVE)
    notes = forms.CharField(
        label=_("Notes on the point"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, actor, area, point=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.area = area
        self.fields["point_type"].queryset = actions.point_types_for(area)
        self.fields["township"].queryset = actions.townships_for(area)
        self.fields["responsible_unit"].queryset = actions.units_for(area)
        leaders = actions.leaders_for(actor).order_by("name_pinyin", "username")
        if point is not None:
            # the current leader stays choosable even if they moved out of sight
            leaders = (leaders | User.objects.filter(pk=point.point_leader_id)).distinct()
        self.fields["point_leader"].queryset = leaders
        self.fields["point_leader"].label_from_instance = self._person_label
        invalid = {
            "point_type": _("Choose a point type of this area."),
            "township": _("Choose a township or street of this area."),
            "responsible_unit": _("Choose a unit of this area."),
            "point_leader": _("Choose an active person you can see as the point leader."),
        }
        for name, message in invalid.items():
            self.fields[name].error_messages["invalid_choice"] = message
        if point is None:
            self.fields.pop("status")

    @staticmethod
    def _person_label(person):
        unit = person.unit.name if person.unit_id else ""
        return f"{person.display_name}（{unit}）" if unit else person.display_name

    def to_input(self) -> actions.PointInput:
        data = self.cleaned_data
        return actions.PointInput(
            name=data["name"],
            code=data["code"],
            point_type=data["point_type"],
            address=data.get("address", ""),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            coordinate_system=data["coordinate_system"],
            township=data.get("township"),
            responsible_unit=data["responsible_unit"],
            point_leader=data["point_leader"],
            status=data.get("status") or PointStatus.ACTIVE,
            notes=data.get("notes", ""),
        )


class PhotoForm(forms.Form):
    photos = MultipleImageField(
        label=_("Photos"),
        required=True,
        max_files=actions.MAX_POINT_PHOTOS,
        help_text=_("Up to 6 photos, JPEG/PNG/WebP, 10 MB each."),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx)"),
        help_text=_("Use the template: one point per row. Existing codes are updated, new codes added."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(
                _("The file is too large: at most {mb} MB is allowed.").format(mb=MAX_IMPORT_BYTES // 2**20),
                code="too_large",
            )
        return upload
