"""Inspections API: plans (the office plans; others read what ``visible_to`` lets them), the
inspector's own assignments, and inspections (read in scope; submitted by phones).

Thin: every queryset starts from ``visible_to(user)``; every change goes through ``actions``;
an object out of scope answers 404 exactly like one that does not exist.
"""

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from chuangcheng.core.scoping import get_visible_or_404
from chuangcheng.indicators.models import CheckItem
from chuangcheng.inspections import actions, intake
from chuangcheng.inspections.api import serializers
from chuangcheng.inspections.choices import AssignmentStatus
from chuangcheng.inspections.filtersets import InspectionFilterSet
from chuangcheng.inspections.models import Assignment, Inspection, ItemResult, Plan
from chuangcheng.inspections.querysets import can_manage_inspections


def error_response(exc: actions.ActionError) -> Response:
    return Response(
        {"detail": str(exc), "code": exc.code, "messages": exc.messages},
        status=exc.http_status,
    )


def plan_queryset(user):
    live = ~Q(assignments__status=AssignmentStatus.REPLACED)
    return (
        Plan.objects.visible_to(user)
        .select_related("area")
        .annotate(
            assignment_count=Count("assignments", filter=live),
            done_count=Count("assignments", filter=Q(assignments__status=AssignmentStatus.DONE)),
            missed_count=Count("assignments", filter=Q(assignments__status=AssignmentStatus.MISSED)),
        )
        .order_by("-period_start", "-pk")
    )


ACTION_ERRORS = {
    400: OpenApiResponse(serializers.ActionErrorSerializer, description=_("Refused: see detail and code.")),
    403: OpenApiResponse(serializers.ActionErrorSerializer, description=_("Not the area's campaign office.")),
    404: OpenApiResponse(description=_("No such plan, or not visible to you.")),
    409: OpenApiResponse(serializers.ActionErrorSerializer, description=_("The plan is already cancelled.")),
}


@extend_schema_view(
    list=extend_schema(
        description=_(
            "Plans you may see: the office all of its area's; units announced and self-inspection "
            "plans of their own; leaders and oversight also covert plans once ended; an inspector "
            "plans where one of their assignments is open."
        )
    ),
    retrieve=extend_schema(description=_("One plan; 404 when it is not visible to you.")),
)
class PlanViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Inspection plans (督查计划). The seed is never sent before it is revealed; counts and rules
    of a covert plan are null for anyone but the office while it runs."""

    serializer_class = serializers.PlanSerializer
    queryset = Plan.objects.none()
    parser_classes = [JSONParser]
    filter_backends: list = []

    def get_queryset(self):
        return plan_queryset(self.request.user)

    def get_object(self):
        return get_visible_or_404(
            self.get_queryset(), self.request.user, request=self.request, pk=self.kwargs["pk"]
        )

    @extend_schema(
        request=serializers.PlanCreateSerializer,
        responses={
            201: serializers.PlanSerializer,
            400: OpenApiResponse(
                serializers.InfeasibleSerializer,
                description=_(
                    "Field errors ({field: [messages]}); or, when the rules cannot be met, "
                    "detail, code “infeasible” and every reason."
                ),
            ),
            403: ACTION_ERRORS[403],
        },
        description=_(
            "Create a plan and draw it at once (the area's campaign office only). The rules may be "
            "given as a nested `rules` object or flattened at the top level. The response shows the "
            "seed's SHA-256 commitment and the digest of the frozen pool and rules; the seed itself "
            "is revealed after the period."
        ),
    )
    def create(self, request, *args, **kwargs):
        if not can_manage_inspections(request.user):
            raise PermissionDenied(_("Only the campaign office plans inspections."))
        form = serializers.PlanCreateSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        plan_input = form.to_input()
        try:
            plan = actions.create_plan(request.user, plan_input, request=request)
        except actions.ActionError as exc:
            if exc.code == "infeasible":
                return Response(
                    {"detail": str(exc), "code": exc.code, "reasons": exc.messages},
                    status=status.HTTP_400_BAD_REQUEST,
                )
            return error_response(exc)
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(self.get_serializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={200: serializers.PlanAssignmentSerializer(many=True), 404: ACTION_ERRORS[404]},
        description=_(
            "The plan's assignments you may see: all of them for the office; for leaders and "
            "oversight those of a covert plan once it has ended, with inspector codes instead of "
            "names; for an inspector their own once open."
        ),
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def assignments(self, request, pk=None):
        plan = self.get_object()
        rows = (
            Assignment.objects.visible_to(request.user)
            .filter(plan=plan)
            .select_related("plan__area", "point__township", "inspector", "second_inspector")
            .order_by("sequence")
        )
        context = self.get_serializer_context()
        return Response(serializers.PlanAssignmentSerializer(rows, many=True, context=context).data)

    @extend_schema(
        responses={200: serializers.VerificationSerializer, 404: ACTION_ERRORS[404]},
        description=_(
            "Re-run the draw from the revealed seed and the frozen pool and rules and compare it with "
            "every drawn assignment (before the reveal: not ok, with the reason)."
        ),
    )
    @action(detail=True, methods=["get"])
    def verify(self, request, pk=None):
        plan = self.get_object()
        result = actions.verify_plan(plan)
        return Response(
            serializers.VerificationSerializer(
                {"ok": result.ok, "checked": result.checked, "problems": result.problems}
            ).data
        )

    @extend_schema(
        request=serializers.CancelSerializer,
        responses={200: serializers.PlanSerializer, **ACTION_ERRORS},
        description=_("Cancel a plan, with the reason (the office); it stays on the list, never deleted."),
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        plan = self.get_object()
        form = serializers.CancelSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            actions.cancel_plan(request.user, plan, form.validated_data["reason"], request=request)
        except actions.ActionError as exc:
            return error_response(exc)
        return Response(self.get_serializer(self.get_queryset().get(pk=plan.pk)).data)


class AssignmentViewSet(viewsets.GenericViewSet):
    """The inspector's own assignments (我的任务)."""

    serializer_class = serializers.MyAssignmentSerializer
    queryset = Assignment.objects.none()
    filterset_fields = ["status"]

    def get_queryset(self):
        items = CheckItem.objects.filter(is_active=True).order_by("sort_order", "code")
        return (
            Assignment.objects.mine(self.request.user)
            .select_related("plan", "point__point_type", "inspector", "second_inspector", "inspection")
            .prefetch_related(
                Prefetch("point__point_type__check_items", queryset=items, to_attr="active_items")
            )
            .order_by("window_start", "sequence")
        )

    @extend_schema(
        description=_(
            "Your assignments, earliest window first: a covert one only from the start of its window "
            "(never before). Filter by status (pending, done, missed…)."
        )
    )
    @action(detail=False, methods=["get"])
    def mine(self, request):
        rows = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(rows)
        if page is not None:
            return self.get_paginated_response(self.get_serializer(page, many=True).data)
        return Response(self.get_serializer(rows, many=True).data)


@extend_schema_view(
    list=extend_schema(
        description=_(
            "Inspections you may see: the office all of its area's; an inspector their own; units "
            "and leaders those of their points once the covert embargo has passed — without who "
            "inspected (inspector fields null)."
        )
    ),
    retrieve=extend_schema(
        description=_("One inspection with its item results and photos; 404 when not visible.")
    ),
)
class InspectionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Inspections (督查记录) with their item results and evidence photos."""

    serializer_class = serializers.InspectionSerializer
    queryset = Inspection.objects.none()
    filterset_class = InspectionFilterSet
    parser_classes = [MultiPartParser, JSONParser]

    def get_queryset(self):
        results = ItemResult.objects.select_related("check_item").prefetch_related("indicators")
        return (
            Inspection.objects.visible_to(self.request.user)
            .select_related(
                "area", "point__point_type", "responsible_unit", "township", "inspector", "second_inspector"
            )
            .prefetch_related(Prefetch("results", queryset=results), "photos")
            .order_by("-submitted_at", "-pk")
        )

    def get_object(self):
        return get_visible_or_404(
            self.get_queryset(), self.request.user, request=self.request, pk=self.kwargs["pk"]
        )

    @extend_schema(
        request={
            "multipart/form-data": serializers.SubmissionRequestSerializer,
            "application/json": serializers.SubmissionRequestSerializer,
        },
        responses={
            201: OpenApiResponse(serializers.InspectionSerializer, description=_("Recorded.")),
            200: OpenApiResponse(
                serializers.InspectionSerializer,
                description=_("A retry with a client_key already recorded: the first inspection, unchanged."),
            ),
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description=_(
                    "Unreadable fields or photos: {field: [messages]} (e.g. answers, photo_12); or "
                    "answers the checklist refuses: detail, code “answers”, messages."
                ),
            ),
            403: OpenApiResponse(
                serializers.ActionErrorSerializer,
                description=_("Outside a plan: only the office, or the point's own unit (自查)."),
            ),
            404: OpenApiResponse(
                serializers.ActionErrorSerializer,
                description=_(
                    "Not your assignment (answered like an unknown id), or a point you may not inspect."
                ),
            ),
            409: OpenApiResponse(
                serializers.ActionErrorSerializer,
                description=_(
                    "Not due yet (not_due), window closed (closed), withdrawn, already inspected (done), "
                    "or the client_key was used by someone else."
                ),
            ),
        },
        description=_(
            "Submit one inspection (multipart, the phone page's wire format; docs/inspections.md). "
            "Idempotent: a retry with the same client_key returns the first inspection with 200."
        ),
    )
    def create(self, request, *args, **kwargs):
        try:
            submission = intake.parse(request.data, request.FILES)
        except intake.IntakeError as exc:
            return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
        try:
            inspection, created = actions.submit(request.user, submission, request=request)
        except actions.ActionError as exc:
            return error_response(exc)
        inspection = self.get_queryset().get(pk=inspection.pk)
        return Response(
            self.get_serializer(inspection).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
