"""Problems API: the problems a reader may see (filtered with the one ``ProblemFilterSet``), the
office recording a problem, one workflow step at a time, and the catalogue of categories.

Thin: every queryset starts from ``visible_to(user)``; every change goes through ``actions``;
a problem out of scope answers 404 exactly like one that does not exist. Refusals are
``{"detail", "code", "field"}`` with the status of the ``TransitionError`` (400 invalid,
403 forbidden or same_person, 404 not_found, 409 state).
"""

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from chuangcheng.core.scoping import get_visible_or_404
from chuangcheng.problems import actions
from chuangcheng.problems.api import serializers
from chuangcheng.problems.filtersets import ProblemFilterSet
from chuangcheng.problems.models import Category, Problem, ProblemEvent, ProblemPhoto


def error_response(exc: actions.TransitionError) -> Response:
    return Response({"detail": exc.message, "code": exc.code, "field": exc.field}, status=exc.http_status)


def _first_message(errors) -> str:
    """The first message of DRF's nested error structure (dicts of lists, list items by index)."""
    if isinstance(errors, dict):
        errors = list(errors.values())
    for item in errors:
        if isinstance(item, dict | list):
            found = _first_message(item)
            if found:
                return found
        else:
            return str(item)
    return ""


def invalid_response(errors) -> Response:
    """Unreadable input, in the shape of every other refusal: the first field and its message,
    and all the field errors besides."""
    field = next(iter(errors), None)
    return Response(
        {
            "detail": _first_message(errors),
            "code": "invalid",
            "field": None if field in (None, "non_field_errors") else field,
            "errors": errors,
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


def not_found() -> Response:
    return Response(
        {"detail": gettext("No such problem."), "code": "not_found", "field": None},
        status=status.HTTP_404_NOT_FOUND,
    )


def problem_queryset():
    """Problems with what a list row shows, in one query (not yet scoped)."""
    return Problem.objects.select_related(
        "area", "category__parent", "point", "township", "responsible_unit"
    ).order_by("-found_at", "-pk")


def detail_queryset():
    events = ProblemEvent.objects.select_related("actor", "from_unit", "to_unit").order_by("at", "pk")
    photos = ProblemPhoto.objects.order_by("uploaded_at", "pk")
    return (
        problem_queryset()
        .select_related("instructed_by", "point_type", "check_item", "indicator")
        .prefetch_related(Prefetch("events", queryset=events), Prefetch("photos", queryset=photos))
    )


ERRORS = {
    400: OpenApiResponse(
        serializers.ProblemErrorSerializer,
        description=_("Refused: the field (field) and why (detail); code “invalid”."),
    ),
    403: OpenApiResponse(
        serializers.ProblemErrorSerializer,
        description=_(
            "Not yours to take (code “forbidden”), or you submitted the fix you would verify "
            "(code “same_person”)."
        ),
    ),
    404: OpenApiResponse(
        serializers.ProblemErrorSerializer, description=_("No such problem, or not visible to you.")
    ),
    409: OpenApiResponse(
        serializers.ProblemErrorSerializer,
        description=_("Not a step of the problem's state (code “state”): it may have just moved on."),
    ),
}


@extend_schema_view(
    list=extend_schema(
        description=_(
            "Problems you may see, newest first: the office all of its area's (covert findings "
            "included); leaders and oversight the area's once any embargo has ended; a unit those "
            "assigned to it or to a unit below it; a point leader those at their points. "
            "Filters as on the problems page."
        )
    ),
    retrieve=extend_schema(
        description=_(
            "One problem with its history, photos and the steps you may take now "
            "(allowed_actions); 404 when it is not visible to you."
        ),
        responses={200: serializers.ProblemDetailSerializer, 404: ERRORS[404]},
    ),
)
class ProblemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Problems to be rectified (问题整改)."""

    serializer_class = serializers.ProblemSerializer
    queryset = Problem.objects.none()
    lookup_value_regex = r"\d+"
    filterset_class = ProblemFilterSet
    parser_classes = [JSONParser, MultiPartParser]

    def get_queryset(self):
        return problem_queryset().visible_to(self.request.user)

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.ProblemSerializer
        return serializers.ProblemDetailSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def get_object(self):
        return get_visible_or_404(
            detail_queryset(), self.request.user, request=self.request, pk=self.kwargs["pk"]
        )

    def retrieve(self, request, *args, **kwargs):
        try:
            problem = self.get_object()
        except Http404:
            return not_found()
        return Response(self.get_serializer(problem).data)

    def _detail(self, pk, *, status_code=status.HTTP_200_OK) -> Response:
        problem = detail_queryset().visible_to(self.request.user).filter(pk=pk).first()
        if problem is None:
            # the step took it out of the actor's sight (a unit returned it to the office): they
            # saw it a moment ago, so they are shown how they left it
            problem = detail_queryset().get(pk=pk)
        serializer = serializers.ProblemDetailSerializer(problem, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code)

    @extend_schema(
        request={
            "application/json": serializers.NewProblemSerializer,
            "multipart/form-data": serializers.NewProblemSerializer,
        },
        responses={
            201: serializers.ProblemDetailSerializer,
            400: ERRORS[400],
            403: OpenApiResponse(
                serializers.ProblemErrorSerializer, description=_("Not a campaign office (code “forbidden”).")
            ),
        },
        description=_(
            "The office records a problem in its area (media exposure, a leader's instruction, its "
            "own finding): registered, and assigned at once when a unit is given. JSON, or "
            "multipart with before-photos in `photos`."
        ),
    )
    def create(self, request, *args, **kwargs):
        area = request.user.office_area()
        if area is None:
            return error_response(
                actions.TransitionError(
                    gettext("Only the campaign office records problems here."), code="forbidden"
                )
            )
        form = serializers.NewProblemSerializer(
            data=request.data, context={**self.get_serializer_context(), "area": area}
        )
        if not form.is_valid():
            return invalid_response(form.errors)
        try:
            problem = actions.create_problem(request.user, form.to_input(), request=request)
        except actions.TransitionError as exc:
            return error_response(exc)
        return self._detail(problem.pk, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        request={
            "application/json": serializers.ProblemStepSerializer,
            "multipart/form-data": serializers.ProblemStepSerializer,
        },
        responses={200: serializers.ProblemDetailSerializer, **ERRORS},
        description=_(
            "Take one step of the workflow (docs/problems.md): accept, return, submit (multipart, "
            "with photos of the fix), approve, send_back, register, reject, assign, reassign, "
            "extend, comment. Answers the problem as it now stands."
        ),
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        try:
            problem = get_visible_or_404(Problem.objects.all(), request.user, request=request, pk=pk)
        except Http404:
            return not_found()
        form = serializers.ProblemStepSerializer(data=request.data, context=self.get_serializer_context())
        if not form.is_valid():
            return invalid_response(form.errors)
        try:
            actions.transition(problem.pk, form.to_step(), request.user, request=request)
        except actions.TransitionError as exc:
            return error_response(exc)
        return self._detail(problem.pk)


@extend_schema_view(
    list=extend_schema(
        description=_(
            "The problem catalogue you may see (your area's, and the areas above it): big classes "
            "(parent null) and small classes with their time limit and responsible department."
        )
    ),
    retrieve=extend_schema(description=_("One category; 404 when it is not visible to you.")),
)
class CategoryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Problem categories (问题分类)."""

    serializer_class = serializers.ProblemCategorySerializer
    queryset = Category.objects.none()
    lookup_value_regex = r"\d+"
    filterset_fields = ["is_active"]

    def get_queryset(self):
        return (
            Category.objects.visible_to(self.request.user)
            .select_related("area", "parent", "responsible_unit")
            .order_by("area__depth", "category_class", "code", "pk")
        )

    def get_object(self):
        return get_visible_or_404(
            Category.objects.select_related("area", "parent", "responsible_unit"),
            self.request.user,
            request=self.request,
            pk=self.kwargs["pk"],
        )
