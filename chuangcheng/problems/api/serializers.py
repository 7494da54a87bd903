"""Problems over the API: what each reader may see of a problem, and the inputs of its steps.

Secrecy is decided before a serializer runs (every queryset starts from ``visible_to``: a unit
never sees a covert finding under embargo); the serializers leave out what a reader who may see
the problem still may not know. They never follow ``problem.inspection`` to its inspectors (only
the inspection's id, and only to those who may see that inspection); a step the system took
(opening a problem from an inspection) has no actor; the problem a rebound repeats, or the one a
duplicate was merged into, is named only to those who may see it; the embargo date to the office.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from chuangcheng.core.api import ChoiceField, UploadField, absolute_url, request_user
from chuangcheng.inspections.models import EvidencePhoto, Inspection
from chuangcheng.org.choices import Role
from chuangcheng.org.models import OrgUnit, User
from chuangcheng.points.models import Point
from chuangcheng.problems import actions, transitions
from chuangcheng.problems.choices import (
    Action,
    CategoryClass,
    Light,
    PhotoKind,
    ProblemSource,
    ProblemStatus,
    Severity,
    Stage,
    TimeUnit,
)
from chuangcheng.problems.models import Category, Problem, ProblemEvent, ProblemPhoto


class ProblemRefSerializer(serializers.Serializer):
    """Another problem, named by its id and number."""

    id = serializers.IntegerField()
    code = serializers.CharField()


def _ref(queryset, user, pk) -> dict | None:
    """``{"id", "code"}`` of problem ``pk`` when ``user`` may see it, else None."""
    if pk is None:
        return None
    return queryset.visible_to(user).filter(pk=pk).values("id", "code").first()


# --- reading -------------------------------------------------------------------------------------
class ProblemPhotoSerializer(serializers.ModelSerializer):
    """A photo of the problem: before (as found) or after (with the fix, ``event`` is its step)."""

    kind = ChoiceField(PhotoKind.choices, read_only=True)
    display_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = ProblemPhoto
        fields = ["id", "kind", "event", "width", "height", "taken_at", "display_url", "thumbnail_url"]
        read_only_fields = fields

    def get_display_url(self, photo) -> str:
        return absolute_url(self, reverse("problems:photo", args=[photo.pk, "display"]))

    def get_thumbnail_url(self, photo) -> str:
        return absolute_url(self, reverse("problems:photo", args=[photo.pk, "thumb"]))


class EvidencePhotoLinkSerializer(serializers.Serializer):
    """Evidence of the failed item, from the inspection that opened the problem."""

    id = serializers.IntegerField()
    display_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    def get_display_url(self, photo) -> str:
        return absolute_url(self, reverse("inspections:photo", args=[photo.pk, "display"]))

    def get_thumbnail_url(self, photo) -> str:
        return absolute_url(self, reverse("inspections:photo", args=[photo.pk, "thumb"]))


class ProblemEventSerializer(serializers.ModelSerializer):
    """One step of the history. ``actor`` is null for a step the system took."""

    action = ChoiceField(Action.choices, read_only=True)
    action_display = serializers.CharField(source="get_action_display", read_only=True)
    from_status = serializers.CharField(read_only=True, help_text=_("Empty for the step that opened it."))
    to_status = ChoiceField(ProblemStatus.choices, read_only=True)
    actor_name = serializers.SerializerMethodField()
    from_unit_name = serializers.CharField(source="from_unit.name", read_only=True, default=None)
    to_unit_name = serializers.CharField(source="to_unit.name", read_only=True, default=None)
    stage = serializers.CharField(
        read_only=True,
        help_text=format_lazy("{} ({})", _("The stage this step ended, if any"), ", ".join(Stage.values)),
    )

    class Meta:
        model = ProblemEvent
        fields = [
            "id",
            "action",
            "action_display",
            "from_status",
            "to_status",
            "actor",
            "actor_name",
            "at",
            "note",
            "from_unit",
            "from_unit_name",
            "to_unit",
            "to_unit_name",
            "old_deadline",
            "new_deadline",
            "stage",
            "on_time",
        ]
        read_only_fields = fields

    def get_actor_name(self, event) -> str:
        # one wording with the page: "System (from the inspection)" names no inspector
        from chuangcheng.problems.views import event_actor

        return str(event_actor(event, self.context["problem"], request_user(self)))


class ProblemSerializer(serializers.ModelSerializer):
    """A problem in a list: where, what, whose, by when, and where it stands. ``light`` and
    ``is_overdue`` are derived at the time of the request."""

    status = ChoiceField(ProblemStatus.choices, read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    source = ChoiceField(ProblemSource.choices, read_only=True)
    source_display = serializers.CharField(source="get_source_display", read_only=True)
    severity = ChoiceField(Severity.choices, read_only=True)
    severity_display = serializers.CharField(source="get_severity_display", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    category_name = serializers.SerializerMethodField()
    point_code = serializers.CharField(source="point.code", read_only=True, default=None)
    point_name = serializers.CharField(source="point.name", read_only=True, default=None)
    township_name = serializers.CharField(source="township.name", read_only=True, default=None)
    responsible_unit_name = serializers.CharField(
        source="responsible_unit.name", read_only=True, default=None
    )
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, read_only=True, coerce_to_string=False
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, read_only=True, coerce_to_string=False
    )
    time_unit = serializers.CharField(
        read_only=True,
        help_text=format_lazy("{} ({})", _("Unit of the time limit"), ", ".join(TimeUnit.values)),
    )
    light = serializers.SerializerMethodField(
        help_text=format_lazy("{} ({})", _("The time-limit light"), ", ".join(Light.values))
    )
    light_display = serializers.SerializerMethodField()
    is_overdue = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Problem
        fields = [
            "id",
            "code",
            "title",
            "status",
            "status_display",
            "source",
            "source_display",
            "severity",
            "severity_display",
            "area",
            "area_name",
            "category",
            "category_name",
            "point",
            "point_code",
            "point_name",
            "township",
            "township_name",
            "responsible_unit",
            "responsible_unit_name",
            "address",
            "latitude",
            "longitude",
            "found_at",
            "assigned_at",
            "time_limit",
            "time_unit",
            "deadline",
            "warn_at",
            "closed_at",
            "light",
            "light_display",
            "is_overdue",
            "is_rebound",
            "rework_count",
            "extension_count",
            "page_url",
        ]
        read_only_fields = fields

    def _now(self):
        return self.context.get("now") or timezone.now()

    def get_category_name(self, problem) -> str | None:
        return str(problem.category) if problem.category_id else None

    def get_light(self, problem) -> str:
        return problem.light(self._now())

    def get_light_display(self, problem) -> str:
        return str(Light(problem.light(self._now())).label)

    def get_is_overdue(self, problem) -> bool:
        return problem.is_overdue(self._now())

    def get_page_url(self, problem) -> str:
        return absolute_url(self, problem.get_absolute_url())


class ProblemDetailSerializer(ProblemSerializer):
    """One problem with its history and photos, and the steps the reader may take now."""

    instructed_by_name = serializers.CharField(
        source="instructed_by.display_name", read_only=True, default=None
    )
    point_type_name = serializers.CharField(source="point_type.name", read_only=True, default=None)
    check_item_code = serializers.CharField(source="check_item.code", read_only=True, default=None)
    check_item_text = serializers.CharField(source="check_item.text", read_only=True, default=None)
    indicator_code = serializers.CharField(source="indicator.code", read_only=True, default=None)
    indicator_name = serializers.CharField(source="indicator.name", read_only=True, default=None)
    time_limit_text = serializers.CharField(read_only=True)
    inspection = serializers.SerializerMethodField()
    embargo_until = serializers.SerializerMethodField()
    rebound_of = serializers.SerializerMethodField()
    rebounds = serializers.SerializerMethodField()
    merged_into = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()
    inspection_photos = serializers.SerializerMethodField()

    class Meta(ProblemSerializer.Meta):
        fields = [
            *ProblemSerializer.Meta.fields,
            "description",
            "source_detail",
            "instructed_by",
            "instructed_by_name",
            "point_type",
            "point_type_name",
            "check_item",
            "check_item_code",
            "check_item_text",
            "indicator",
            "indicator_code",
            "indicator_name",
            "time_limit_text",
            "accept_due_at",
            "accepted_at",
            "submitted_at",
            "verify_due_at",
            "accepted_on_time",
            "rectified_on_time",
            "verified_on_time",
            "inspection",
            "embargo_until",
            "rebound_of",
            "rebounds",
            "merged_into",
            "allowed_actions",
            "events",
            "photos",
            "inspection_photos",
        ]
        read_only_fields = fields

    def _inspection_visible(self, problem) -> bool:
        if not problem.inspection_id:
            return False
        cached = getattr(problem, "_api_inspection_visible", None)
        if cached is None:
            cached = (
                Inspection.objects.visible_to(request_user(self)).filter(pk=problem.inspection_id).exists()
            )
            problem._api_inspection_visible = cached
        return cached

    def get_inspection(self, problem) -> int | None:
        """The inspection's id, to those who may see it (never who inspected)."""
        return problem.inspection_id if self._inspection_visible(problem) else None

    @extend_schema_field(OpenApiTypes.DATE)
    def get_embargo_until(self, problem):
        """A covert finding's embargo: the office only."""
        return problem.embargo_until if actions.can_register(request_user(self), problem.area) else None

    @extend_schema_field(ProblemRefSerializer(allow_null=True))
    def get_rebound_of(self, problem):
        return _ref(Problem.objects, request_user(self), problem.rebound_of_id)

    @extend_schema_field(ProblemRefSerializer(many=True))
    def get_rebounds(self, problem):
        rows = (
            Problem.objects.visible_to(request_user(self))
            .filter(rebound_of=problem)
            .order_by("found_at", "pk")
        )
        return list(rows.values("id", "code"))

    @extend_schema_field(ProblemRefSerializer(allow_null=True))
    def get_merged_into(self, problem):
        return _ref(Problem.objects, request_user(self), problem.merged_into_id)

    def get_allowed_actions(self, problem) -> list[str]:
        """The steps the reader may take now; approve and send_back are left out for the person
        who submitted the fix (someone else verifies it)."""
        user = request_user(self)
        allowed = transitions.allowed_actions(user, problem)
        if transitions.VERIFYING & set(allowed) and actions.last_submitter_id(problem) == user.pk:
            allowed = [a for a in allowed if a not in transitions.VERIFYING]
        return [str(a) for a in allowed]

    @extend_schema_field(ProblemEventSerializer(many=True))
    def get_events(self, problem):
        context = {**self.context, "problem": problem}
        return ProblemEventSerializer(problem.events.all(), many=True, context=context).data

    @extend_schema_field(ProblemPhotoSerializer(many=True))
    def get_photos(self, problem):
        return ProblemPhotoSerializer(problem.photos.all(), many=True, context=self.context).data

    @extend_schema_field(EvidencePhotoLinkSerializer(many=True))
    def get_inspection_photos(self, problem):
        """The evidence of the failed item, when the reader may see the inspection."""
        if not problem.item_result_id or not self._inspection_visible(problem):
            return []
        rows = EvidencePhoto.objects.filter(result_id=problem.item_result_id).order_by("pk")
        return EvidencePhotoLinkSerializer(rows, many=True, context=self.context).data


class ProblemCategorySerializer(serializers.ModelSerializer):
    """One class of the catalogue: a big class (``parent`` null) or a small class with its
    time limit and responsible department."""

    category_class = ChoiceField(CategoryClass.choices, read_only=True)
    category_class_display = serializers.CharField(source="get_category_class_display", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    parent_name = serializers.CharField(source="parent.name", read_only=True, default=None)
    time_unit = serializers.CharField(
        read_only=True,
        help_text=format_lazy("{} ({})", _("Unit of the time limit"), ", ".join(TimeUnit.values)),
    )
    time_limit_text = serializers.CharField(read_only=True)
    responsible_unit_name = serializers.CharField(
        source="responsible_unit.name", read_only=True, default=None
    )

    class Meta:
        model = Category
        fields = [
            "id",
            "area",
            "area_name",
            "category_class",
            "category_class_display",
            "code",
            "name",
            "parent",
            "parent_name",
            "time_limit",
            "time_unit",
            "time_limit_text",
            "responsible_unit",
            "responsible_unit_name",
            "needs_photo",
            "sort_order",
            "is_active",
        ]
        read_only_fields = fields


class ProblemErrorSerializer(serializers.Serializer):
    """A refusal: the message to show, its code, and the field it is about (if any)."""

    detail = serializers.CharField()
    code = serializers.CharField(help_text=_("not_found, forbidden, state, same_person or invalid"))
    field = serializers.CharField(allow_null=True, required=False)
    errors = serializers.DictField(
        required=False, help_text=_("Every field's messages, when the request could not be read.")
    )


# --- writing -------------------------------------------------------------------------------------
STEP_ACTIONS = [(value, label) for value, label in Action.choices if value != Action.CREATE]


class ProblemStepSerializer(serializers.Serializer):
    """One step on one problem (JSON, or multipart with the after-photos of ``submit``)."""

    action = ChoiceField(STEP_ACTIONS, help_text=_("Step"))
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("Reason or note; needed for reject, return, send_back, reassign, extend and comment."),
    )
    unit = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_("assign, reassign: id of the responsible unit (a unit of the problem's area)."),
    )
    deadline = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text=_(
            "ISO 8601. extend: the new deadline (required); assign, reassign: instead of the time limit."
        ),
    )
    photos = serializers.ListField(
        child=UploadField(), required=False, help_text=_("submit: photos of the fix (multipart).")
    )

    def validate_unit(self, unit_id):
        """The unit as an object; an id the caller may not see answers like one that does not exist."""
        if unit_id is None:
            return None
        unit = OrgUnit.objects.visible_to(request_user(self)).filter(pk=unit_id).first()
        if unit is None:
            raise serializers.ValidationError(_("No such unit."))
        return unit

    def to_step(self) -> actions.Step:
        data = self.validated_data
        action = data["action"]
        return actions.Step(
            action,
            note=data.get("note", ""),
            unit=data.get("unit") if action in transitions.NEEDS_UNIT else None,
            deadline=data.get("deadline")
            if action in (transitions.NEEDS_UNIT | transitions.NEEDS_DEADLINE)
            else None,
            photos=data.get("photos") or [],
        )


RECORDED_SOURCES = [
    (value, label)
    for value, label in ProblemSource.choices
    if value not in (ProblemSource.INSPECTION, ProblemSource.CITIZEN)
]


class NewProblemSerializer(serializers.Serializer):
    """The office records a problem in its area (the inputs of ``actions.NewProblem``). Ids are
    chosen from the office's area (``context["area"]``); a unit given assigns it at once."""

    source = ChoiceField(RECORDED_SOURCES)
    source_detail = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=_("e.g. 《阳光问廉》第12期, or the leader's words"),
    )
    instructed_by = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("For a leader's instruction: the leader's id.")
    )
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    category = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("Id of a small class of the area's catalogue.")
    )
    severity = ChoiceField(Severity.choices, required=False, default=Severity.GENERAL)
    point = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("Id of a point of the area.")
    )
    address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False, allow_null=True
    )
    unit = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_("Assign at once to this unit; leave empty to register it now and assign it later."),
    )
    deadline = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text=_("ISO 8601; needs a unit. Default: the time limit of the category and severity."),
    )
    photos = serializers.ListField(
        child=UploadField(), required=False, help_text=_("Photos of the problem (multipart).")
    )

    @property
    def area(self) -> OrgUnit:
        return self.context["area"]

    def validate_instructed_by(self, user_id):
        if user_id is None:
            return None
        leader = (
            User.objects.filter(
                pk=user_id,
                is_active=True,
                role_assignments__role=Role.LEADER,
                role_assignments__unit__path__startswith=self.area.path,
            )
            .distinct()
            .first()
        )
        if leader is None:
            raise serializers.ValidationError(_("Not a leader of this campaign area."))
        return leader

    def validate_category(self, category_id):
        if category_id is None:
            return None
        category = Category.objects.filter(
            pk=category_id, area=self.area, is_active=True, parent__isnull=False
        ).first()
        if category is None:
            raise serializers.ValidationError(_("Not a category of this campaign area."))
        return category

    def validate_point(self, point_id):
        if point_id is None:
            return None
        point = Point.objects.filter(pk=point_id, area=self.area).active().first()
        if point is None:
            raise serializers.ValidationError(_("The point is not in this campaign area."))
        return point

    def validate_unit(self, unit_id):
        # checked before anything is written: the problem is recorded and assigned, or neither
        if unit_id is None:
            return None
        unit = OrgUnit.objects.visible_to(request_user(self)).filter(pk=unit_id).first()
        if unit is None:
            raise serializers.ValidationError(_("No such unit."))
        try:
            return actions.check_unit(self.area, unit)
        except actions.TransitionError as exc:
            raise serializers.ValidationError(exc.message) from exc

    def validate(self, attrs):
        if (attrs.get("latitude") is None) != (attrs.get("longitude") is None):
            raise serializers.ValidationError(
                {"latitude": [_("Give both latitude and longitude, or neither.")]}
            )
        if attrs.get("deadline") is not None:
            if attrs.get("unit") is None:
                raise serializers.ValidationError(
                    {"unit": [_("A deadline needs a unit to assign the problem to.")]}
                )
            try:
                attrs["deadline"] = actions.check_deadline(attrs["deadline"], timezone.now())
            except actions.TransitionError as exc:
                raise serializers.ValidationError({"deadline": [exc.message]}) from exc
        return attrs

    def to_input(self) -> actions.NewProblem:
        data = self.validated_data
        return actions.NewProblem(
            area=self.area,
            source=data["source"],
            title=data["title"],
            description=data.get("description", ""),
            severity=data.get("severity", Severity.GENERAL),
            category=data.get("category"),
            point=data.get("point"),
            address=data.get("address", ""),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            source_detail=data.get("source_detail", ""),
            instructed_by=data.get("instructed_by"),
            unit=data.get("unit"),
            deadline=data.get("deadline"),
            photos=data.get("photos") or [],
        )
