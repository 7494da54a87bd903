"""Points over the API. Related objects are chosen from what the caller may see; the area is
never writable (it is the office's area); coordinates may be sent in GCJ-02."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from chuangcheng.indicators.models import PointType
from chuangcheng.org.models import OrgUnit, User
from chuangcheng.points import actions
from chuangcheng.points.choices import CoordinateSystem, PointStatus
from chuangcheng.points.models import Point


class _ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key chosen from ``Model.objects.visible_to(request.user)``: an id out of scope
    is answered like an id that does not exist."""

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return self.model.objects.none()
        return self.model.objects.visible_to(request.user)


class PointSerializer(serializers.ModelSerializer):
    point_type = _ScopedRelatedField(PointType, help_text=_("Id of a point type of the area."))
    township = _ScopedRelatedField(OrgUnit, required=False, allow_null=True)
    responsible_unit = _ScopedRelatedField(OrgUnit)
    point_leader = _ScopedRelatedField(User)
    latitude = serializers.DecimalField(
        max_digits=12,
        decimal_places=9,
        required=False,
        allow_null=True,
        coerce_to_string=False,
        help_text=_("In the coordinate system given; stored and returned as WGS-84."),
    )
    longitude = serializers.DecimalField(
        max_digits=12,
        decimal_places=9,
        required=False,
        allow_null=True,
        coerce_to_string=False,
        help_text=_("In the coordinate system given; stored and returned as WGS-84."),
    )
    coordinate_system = serializers.ChoiceField(
        choices=CoordinateSystem.choices,
        default=CoordinateSystem.WGS84,
        write_only=True,
        help_text=_("The system of the latitude/longitude sent: wgs84 (GPS) or gcj02 (Chinese phone maps)."),
    )
    status = serializers.ChoiceField(choices=PointStatus.choices, default=PointStatus.ACTIVE)
    point_type_name = serializers.CharField(source="point_type.name", read_only=True)
    responsible_unit_name = serializers.CharField(source="responsible_unit.name", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True, default=None)
    point_leader_name = serializers.CharField(source="point_leader.display_name", read_only=True)
    public_report_url = serializers.SerializerMethodField()

    class Meta:
        model = Point
        fields = [
            "id",
            "area",
            "code",
            "name",
            "point_type",
            "point_type_name",
            "address",
            "latitude",
            "longitude",
            "coordinate_system",
            "township",
            "township_name",
            "responsible_unit",
            "responsible_unit_name",
            "point_leader",
            "point_leader_name",
            "status",
            "notes",
            "public_report_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "area", "created_at", "updated_at"]
        # uniqueness of the code is checked by the action, per area
        validators = []

    def get_public_report_url(self, point) -> str:
        request = self.context.get("request")
        path = point.public_report_path
        return request.build_absolute_uri(path) if request is not None else path

    def to_input(self, validated, point: Point | None = None) -> actions.PointInput:
        values = dict(validated)
        if point is not None:
            if (
                "latitude" in values or "longitude" in values
            ) and "coordinate_system" not in self.initial_data:
                values.setdefault("coordinate_system", CoordinateSystem.WGS84)
            if "latitude" not in values and "longitude" not in values:
                values.pop("coordinate_system", None)
            return actions.PointInput.from_point(point, **values)
        return actions.PointInput(
            name=values.get("name", ""),
            code=values.get("code", ""),
            point_type=values.get("point_type"),
            responsible_unit=values.get("responsible_unit"),
            point_leader=values.get("point_leader"),
            address=values.get("address", ""),
            latitude=values.get("latitude"),
            longitude=values.get("longitude"),
            coordinate_system=values.get("coordinate_system", CoordinateSystem.WGS84),
            township=values.get("township"),
            status=values.get("status", PointStatus.ACTIVE),
            notes=values.get("notes", ""),
        )

    def _run(self, call):
        try:
            return call()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        except actions.ActionError as exc:
            raise serializers.ValidationError({"non_field_errors": [str(exc)]}) from exc

    def create(self, validated_data):
        request = self.context["request"]
        data = self.to_input(validated_data)
        return self._run(lambda: actions.create_point(request.user, data, request=request))

    def update(self, instance, validated_data):
        request = self.context["request"]
        data = self.to_input(validated_data, point=instance)
        return self._run(lambda: actions.update_point(request.user, instance, data, request=request))
