"""Inspections over the API: what each reader may see of plans, assignments and inspections.

Secrecy is decided before a serializer runs (every queryset starts from ``visible_to``); the
serializers only leave out what a reader who may see an object still may not know: the seed
before it is revealed (never sent: only ``revealed_seed``), the counts and rules of a covert plan
(the office only, and anyone once the plan has ended), who made a covert inspection
(``Inspection.inspector_shown_to``), and the original of a photo (the office only).
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from chuangcheng.core.api import ChoiceField, UploadField, absolute_url, request_user
from chuangcheng.inspections import actions, draw
from chuangcheng.inspections.choices import (
    AssignmentOrigin,
    AssignmentStatus,
    DayPart,
    InspectionKind,
    Outcome,
    PlanKind,
)
from chuangcheng.inspections.models import (
    Assignment,
    EvidencePhoto,
    Inspection,
    ItemResult,
    Plan,
    inspector_code,
)
from chuangcheng.inspections.querysets import can_manage_inspections
from chuangcheng.org.choices import AREA_KINDS
from chuangcheng.org.models import OrgUnit


@extend_schema_field(OpenApiTypes.INT)
class _ScopedUnitField(serializers.PrimaryKeyRelatedField):
    """A unit id chosen from the units the caller may see; others answer like unknown ids."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return OrgUnit.objects.none()
        return OrgUnit.objects.visible_to(request.user)


# --- plans -----------------------------------------------------------------------------------------
class _RuleFields(serializers.Serializer):
    """The draw's rules (``draw.Rules``); every field optional, defaults as documented."""

    date_ranges = serializers.ListField(
        child=serializers.ListField(child=serializers.DateField(), min_length=2, max_length=2),
        required=False,
        allow_empty=False,
        help_text=_("Pairs [first day, last day] within the period. Default: the whole period."),
    )
    day_parts = serializers.ListField(
        child=ChoiceField(DayPart.choices),
        required=False,
        allow_empty=False,
        help_text=_("Parts of the day windows may fall in. Default: morning and afternoon."),
    )
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6),
        required=False,
        allow_empty=False,
        help_text=_("Allowed weekdays, Monday = 0. Default: every day."),
    )
    visits_per_point = serializers.IntegerField(
        min_value=0, max_value=31, required=False, help_text=_("Coverage: visits of every point. Default 1.")
    )
    sample_per_type = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        help_text=_("Draw only this many points of each type. Default: every point."),
    )
    extra_visits = serializers.IntegerField(
        min_value=0, max_value=10000, required=False, help_text=_("More visits, drawn by risk weight.")
    )
    inspectors_per_visit = serializers.IntegerField(
        min_value=1, max_value=2, required=False, help_text=_("1, or 2 (双随机). Default 1.")
    )
    max_visits_per_inspector = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, help_text=_("Cap per inspector for the period.")
    )
    max_visits_per_slot = serializers.IntegerField(
        min_value=1, max_value=20, required=False, help_text=_("Cap per inspector per window. Default 4.")
    )
    risk_weighting = serializers.BooleanField(
        required=False, help_text=_("Draw risky points more often. Default true.")
    )


RULE_FIELDS = tuple(_RuleFields().fields)


class RulesSerializer(_RuleFields):
    pass


class PlanCreateSerializer(_RuleFields):
    """The inputs of ``actions.PlanInput``. The rules may be sent as a nested ``rules`` object or
    flattened at the top level (``visits_per_point`` next to ``name``); a rule given both ways
    must have the same value."""

    area = _ScopedUnitField(
        required=False,
        help_text=_("The campaign area (a county or city). Default: the caller's office area."),
    )
    name = serializers.CharField(max_length=120)
    kind = ChoiceField(PlanKind.choices)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    inspector_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        allow_empty=False,
        help_text=_("Ids of the pooled inspectors (people holding the inspector role in the area)."),
    )
    point_type_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, help_text=_("Pool filter: point types.")
    )
    township_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, help_text=_("Pool filter: townships.")
    )
    unit_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        help_text=_("Pool filter: responsible units (with their sub-units)."),
    )
    recent_problem_days = serializers.IntegerField(
        min_value=1,
        max_value=3660,
        required=False,
        allow_null=True,
        help_text=_("Pool filter: points with problems closed in the last N days (回头看)."),
    )
    is_covert = serializers.BooleanField(
        required=False,
        allow_null=True,
        help_text=_("Default: by kind (covert, re-check and mock are secret)."),
    )
    self_unit = _ScopedUnitField(
        required=False, allow_null=True, help_text=_("For a self-inspection: the unit inspecting itself.")
    )
    notes = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    rules = RulesSerializer(required=False, help_text=_("The rules as one object (or flattened)."))

    def validate_area(self, area):
        if area.kind not in AREA_KINDS:
            raise serializers.ValidationError(_("Not a campaign area: choose a county or a city."))
        return area

    def validate(self, attrs):
        nested = dict(attrs.pop("rules", None) or {})
        flat = {name: attrs.pop(name) for name in RULE_FIELDS if name in attrs}
        twice = sorted(name for name in set(nested) & set(flat) if nested[name] != flat[name])
        if twice:
            raise serializers.ValidationError(
                {"rules": [_("Given twice with different values: {names}.").format(names=", ".join(twice))]}
            )
        attrs["rules"] = {**nested, **flat}
        if "area" not in attrs:
            area = request_user(self).office_area()
            if area is None:
                raise serializers.ValidationError(
                    {"area": [_("Give the campaign area: it cannot be told from your roles.")]}
                )
            attrs["area"] = area
        return attrs

    def to_input(self) -> actions.PlanInput:
        data = dict(self.validated_data)
        rules = dict(data["rules"])
        if "date_ranges" in rules:
            rules["date_ranges"] = tuple(tuple(pair) for pair in rules["date_ranges"])
        else:
            rules["date_ranges"] = ((data["period_start"], data["period_end"]),)
        for name in ("day_parts", "weekdays"):
            if name in rules:
                rules[name] = tuple(rules[name])
        return actions.PlanInput(
            area=data["area"],
            name=data["name"],
            kind=data["kind"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            rules=draw.Rules(**rules),
            inspector_ids=data["inspector_ids"],
            point_type_ids=data.get("point_type_ids", []),
            township_ids=data.get("township_ids", []),
            unit_ids=data.get("unit_ids", []),
            recent_problem_days=data.get("recent_problem_days"),
            is_covert=data.get("is_covert"),
            self_unit=data.get("self_unit"),
            notes=data.get("notes", ""),
        )


class PlanSerializer(serializers.ModelSerializer):
    """A plan as its reader may see it. ``revealed_seed`` is empty until the seed is revealed;
    counts, filters and rules of a covert plan are null for anyone but the office until it ends."""

    kind = ChoiceField(PlanKind.choices, read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    revealed_seed = serializers.CharField(read_only=True)
    assignment_count = serializers.SerializerMethodField()
    done_count = serializers.SerializerMethodField()
    missed_count = serializers.SerializerMethodField()
    filters = serializers.SerializerMethodField()
    rules = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Plan
        fields = [
            "id",
            "name",
            "kind",
            "kind_display",
            "is_covert",
            "area",
            "area_name",
            "self_unit",
            "period_start",
            "period_end",
            "seed_commitment",
            "inputs_digest",
            "algorithm_version",
            "revealed_seed",
            "seed_revealed_at",
            "cancelled_at",
            "cancel_reason",
            "notes",
            "assignment_count",
            "done_count",
            "missed_count",
            "filters",
            "rules",
            "page_url",
            "created_at",
        ]
        read_only_fields = fields

    def _open_details(self, plan) -> bool:
        """Counts and rules: the office always; others not while a covert plan runs."""
        user = request_user(self)
        if user is not None and can_manage_inspections(user, plan.area):
            return True
        return not plan.is_covert or plan.has_ended(timezone.localdate())

    def _count(self, plan, name):
        # annotated by the view (views.plan_queryset): one query for the whole list
        return getattr(plan, name) if self._open_details(plan) else None

    def get_assignment_count(self, plan) -> int | None:
        return self._count(plan, "assignment_count")

    def get_done_count(self, plan) -> int | None:
        return self._count(plan, "done_count")

    def get_missed_count(self, plan) -> int | None:
        return self._count(plan, "missed_count")

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_filters(self, plan):
        return plan.filters if self._open_details(plan) else None

    @extend_schema_field(RulesSerializer(allow_null=True))
    def get_rules(self, plan):
        return plan.rules if self._open_details(plan) else None

    def get_page_url(self, plan) -> str:
        return absolute_url(self, plan.get_absolute_url())


class VerificationSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    checked = serializers.IntegerField(help_text=_("Drawn assignments compared with the re-run draw."))
    problems = serializers.ListField(child=serializers.CharField())


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text=_("Why the plan is cancelled (kept in view)."))


class ActionErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    messages = serializers.ListField(child=serializers.CharField())


class InfeasibleSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text=_("Each constraint that cannot be met, and how short.")
    )


# --- assignments -----------------------------------------------------------------------------------
class PlanAssignmentSerializer(serializers.ModelSerializer):
    """An assignment in a plan's list. Who inspects is shown by name to the office (and for
    plans that are not secret); to others only as inspector codes."""

    point_code = serializers.CharField(source="point.code", read_only=True)
    point_name = serializers.CharField(source="point.name", read_only=True)
    township_name = serializers.CharField(source="point.township.name", read_only=True, default=None)
    day_part = ChoiceField(DayPart.choices, read_only=True)
    status = ChoiceField(AssignmentStatus.choices, read_only=True)
    origin = ChoiceField(AssignmentOrigin.choices, read_only=True)
    inspector = serializers.SerializerMethodField()
    inspector_name = serializers.SerializerMethodField()
    inspector_code = serializers.SerializerMethodField()
    second_inspector = serializers.SerializerMethodField()
    second_inspector_name = serializers.SerializerMethodField()
    second_inspector_code = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "sequence",
            "point",
            "point_code",
            "point_name",
            "township_name",
            "day",
            "day_part",
            "window_start",
            "window_end",
            "status",
            "origin",
            "replaces",
            "inspector",
            "inspector_name",
            "inspector_code",
            "second_inspector",
            "second_inspector_name",
            "second_inspector_code",
        ]
        read_only_fields = fields

    def _named(self, assignment) -> bool:
        user = request_user(self)
        return not assignment.plan.is_covert or can_manage_inspections(user, assignment.plan.area)

    def get_inspector(self, assignment) -> int | None:
        return assignment.inspector_id if self._named(assignment) else None

    def get_inspector_name(self, assignment) -> str | None:
        return assignment.inspector.display_name if self._named(assignment) else None

    def get_inspector_code(self, assignment) -> str | None:
        # a per-plan pseudonym, and only where the name is withheld (never a name↔code pair)
        return (
            None
            if self._named(assignment)
            else inspector_code(assignment.inspector, f"plan:{assignment.plan_id}")
        )

    def get_second_inspector(self, assignment) -> int | None:
        return assignment.second_inspector_id if self._named(assignment) else None

    def get_second_inspector_name(self, assignment) -> str | None:
        if assignment.second_inspector_id is None or not self._named(assignment):
            return None
        return assignment.second_inspector.display_name

    def get_second_inspector_code(self, assignment) -> str | None:
        if assignment.second_inspector_id is None or self._named(assignment):
            return None
        return inspector_code(assignment.second_inspector, f"plan:{assignment.plan_id}")


class MyAssignmentSerializer(serializers.ModelSerializer):
    """One of the inspector's own assignments, with what the phone needs to go there."""

    plan_name = serializers.CharField(source="plan.name", read_only=True)
    plan_kind = ChoiceField(PlanKind.choices, source="plan.kind", read_only=True)
    day_part = ChoiceField(DayPart.choices, read_only=True)
    status = ChoiceField(AssignmentStatus.choices, read_only=True)
    point_code = serializers.CharField(source="point.code", read_only=True)
    point_name = serializers.CharField(source="point.name", read_only=True)
    address = serializers.CharField(source="point.address", read_only=True)
    latitude = serializers.DecimalField(
        source="point.latitude", max_digits=9, decimal_places=6, read_only=True, coerce_to_string=False
    )
    longitude = serializers.DecimalField(
        source="point.longitude", max_digits=9, decimal_places=6, read_only=True, coerce_to_string=False
    )
    point_type = serializers.IntegerField(source="point.point_type_id", read_only=True)
    point_type_name = serializers.CharField(source="point.point_type.name", read_only=True)
    check_items = serializers.SerializerMethodField()
    partner_name = serializers.SerializerMethodField()
    inspection = serializers.SerializerMethodField()
    inspect_url = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "plan",
            "plan_name",
            "plan_kind",
            "point",
            "point_code",
            "point_name",
            "address",
            "latitude",
            "longitude",
            "point_type",
            "point_type_name",
            "check_items",
            "day",
            "day_part",
            "window_start",
            "window_end",
            "status",
            "partner_name",
            "inspection",
            "inspect_url",
        ]
        read_only_fields = fields

    def get_check_items(self, assignment) -> list[int]:
        """Ids of the active items of the point type's checklist, in checklist order."""
        return [item.pk for item in assignment.point.point_type.active_items]

    def get_partner_name(self, assignment) -> str | None:
        """The other inspector of a two-person visit (双随机): they go together."""
        user = request_user(self)
        partner = assignment.second_inspector if assignment.inspector_id == user.pk else assignment.inspector
        return partner.display_name if partner is not None and partner.pk != user.pk else None

    def get_inspection(self, assignment) -> int | None:
        inspection = getattr(assignment, "inspection", None)
        return inspection.pk if inspection is not None else None

    def get_inspect_url(self, assignment) -> str:
        return absolute_url(self, reverse("inspections:inspect", args=[assignment.pk]))


# --- inspections -----------------------------------------------------------------------------------
class PhotoSerializer(serializers.ModelSerializer):
    display_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    original_url = serializers.SerializerMethodField()

    class Meta:
        model = EvidencePhoto
        fields = [
            "id",
            "result",
            "width",
            "height",
            "taken_at",
            "display_url",
            "thumbnail_url",
            "original_url",
        ]
        read_only_fields = fields

    def _url(self, photo, variant):
        return absolute_url(self, reverse("inspections:photo", args=[photo.pk, variant]))

    def get_display_url(self, photo) -> str:
        return self._url(photo, "display")

    def get_thumbnail_url(self, photo) -> str:
        return self._url(photo, "thumb")

    def get_original_url(self, photo) -> str | None:
        """The original (with its EXIF) is for the campaign office only."""
        if not self.context.get("office"):
            return None
        return self._url(photo, "original")


class ItemResultSerializer(serializers.ModelSerializer):
    check_item_code = serializers.CharField(source="check_item.code", read_only=True)
    check_item_text = serializers.CharField(source="check_item.text", read_only=True)
    indicator_codes = serializers.SerializerMethodField()
    outcome = ChoiceField(Outcome.choices, read_only=True)
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)

    class Meta:
        model = ItemResult
        fields = [
            "id",
            "check_item",
            "check_item_code",
            "check_item_text",
            "indicator_codes",
            "outcome",
            "outcome_display",
            "status",
            "violations",
            "points_lost",
            "is_veto",
            "note",
        ]
        read_only_fields = fields

    def get_indicator_codes(self, result) -> list[str]:
        return sorted(indicator.code for indicator in result.indicators.all())


class InspectionSerializer(serializers.ModelSerializer):
    """An inspection as its reader may see it: who inspected (and where they stood) only for
    the office and the inspectors themselves when it was covert; otherwise null."""

    kind = ChoiceField(InspectionKind.choices, read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    point_code = serializers.CharField(source="point.code", read_only=True)
    point_name = serializers.CharField(source="point.name", read_only=True)
    point_type_name = serializers.CharField(source="point.point_type.name", read_only=True)
    responsible_unit_name = serializers.CharField(source="responsible_unit.name", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True, default=None)
    inspector = serializers.SerializerMethodField()
    inspector_name = serializers.SerializerMethodField()
    inspector_code = serializers.SerializerMethodField()
    second_inspector = serializers.SerializerMethodField()
    second_inspector_name = serializers.SerializerMethodField()
    latitude = serializers.SerializerMethodField()
    longitude = serializers.SerializerMethodField()
    distance_m = serializers.SerializerMethodField()
    results = ItemResultSerializer(many=True, read_only=True)
    photos = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = [
            "id",
            "kind",
            "kind_display",
            "is_covert",
            "plan",
            "assignment",
            "point",
            "point_code",
            "point_name",
            "point_type_name",
            "responsible_unit",
            "responsible_unit_name",
            "township",
            "township_name",
            "inspector",
            "inspector_name",
            "inspector_code",
            "second_inspector",
            "second_inspector_name",
            "client_key",
            "started_at",
            "submitted_at",
            "is_late",
            "latitude",
            "longitude",
            "distance_m",
            "score",
            "points_lost",
            "pass_line",
            "passed",
            "veto_failed",
            "failed_items",
            "note",
            "results",
            "photos",
            "page_url",
        ]
        read_only_fields = fields

    def _shown(self, inspection) -> bool:
        user = request_user(self)
        return user is not None and inspection.inspector_shown_to(user)

    def get_inspector(self, inspection) -> int | None:
        return inspection.inspector_id if self._shown(inspection) else None

    def get_inspector_name(self, inspection) -> str | None:
        return inspection.inspector.display_name if self._shown(inspection) else None

    def get_inspector_code(self, inspection) -> str | None:
        # the code stamped on this inspection's photos (only to those who may know who it was)
        if not self._shown(inspection):
            return None
        return inspector_code(inspection.inspector, f"inspection:{inspection.pk}")

    def get_second_inspector(self, inspection) -> int | None:
        return inspection.second_inspector_id if self._shown(inspection) else None

    def get_second_inspector_name(self, inspection) -> str | None:
        if inspection.second_inspector_id is None or not self._shown(inspection):
            return None
        return inspection.second_inspector.display_name

    @extend_schema_field(OpenApiTypes.DECIMAL)
    def get_latitude(self, inspection):
        return inspection.latitude if self._shown(inspection) else None

    @extend_schema_field(OpenApiTypes.DECIMAL)
    def get_longitude(self, inspection):
        return inspection.longitude if self._shown(inspection) else None

    def get_distance_m(self, inspection) -> int | None:
        return inspection.distance_m if self._shown(inspection) else None

    @extend_schema_field(PhotoSerializer(many=True))
    def get_photos(self, inspection):
        user = request_user(self)
        context = {
            **self.context,
            "office": user is not None and can_manage_inspections(user, inspection.area),
        }
        return PhotoSerializer(inspection.photos.all(), many=True, context=context).data

    def get_page_url(self, inspection) -> str:
        return absolute_url(self, inspection.get_absolute_url())


class SubmissionRequestSerializer(serializers.Serializer):
    """The multipart form of a submission (``intake.py``; docs/inspections.md, "Submitting").

    Photos go in file fields named ``photo_<check item id>`` (repeatable, one field per item)
    and ``photo_general``; an OpenAPI schema cannot name fields by pattern, so only
    ``photo_general`` is listed. A JSON body with the same keys (``answers`` as a list) is
    accepted too, without photos.
    """

    client_key = serializers.UUIDField(
        help_text=_("Made by the phone when the inspection starts; a retry sends the same key.")
    )
    assignment = serializers.IntegerField(
        required=False, help_text=_("The assignment's id (or, outside a plan, give point).")
    )
    point = serializers.IntegerField(
        required=False, help_text=_("Outside a plan: the point (the office; or the unit for 自查).")
    )
    started_at = serializers.DateTimeField(required=False, help_text=_("ISO 8601, by the phone's clock."))
    device_now = serializers.DateTimeField(
        required=False, help_text=_("ISO 8601 time of sending, by the phone's clock (measures its skew).")
    )
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False)
    longitude = serializers.DecimalField(max_digits=10, decimal_places=6, required=False)
    coordinate_system = ChoiceField(
        [("wgs84", "WGS-84"), ("gcj02", "GCJ-02")], required=False, help_text=_("Default wgs84.")
    )
    accuracy = serializers.IntegerField(required=False, min_value=0, help_text=_("Metres."))
    note = serializers.CharField(required=False, allow_blank=True)
    answers = serializers.CharField(
        help_text=_(
            'JSON list: [{"item": id, "outcome": "pass"|"fail"|"na", "violations": n, "note": "…"}]; '
            "violations for status-scale items."
        )
    )
    photo_general = serializers.ListField(
        child=UploadField(), required=False, help_text=_("Photos of the whole visit.")
    )
