"""Points API: read for everyone in scope, write for the campaign office. Never deleted (retire)."""

from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import mixins, permissions, viewsets

from chuangcheng.points import actions
from chuangcheng.points.api.serializers import PointSerializer
from chuangcheng.points.filtersets import PointFilterSet
from chuangcheng.points.models import Point


class IsOfficeOrReadOnly(permissions.BasePermission):
    """Reading is scoped by the queryset; writing needs the campaign office."""

    message = _("Only the campaign office can change points.")

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or actions.can_edit_points(request.user)


class PointViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Assessment points (点位). Coordinates are WGS-84; send `coordinate_system: gcj02` to give
    GCJ-02 (高德/腾讯) coordinates, converted before saving. The area is the office's own."""

    serializer_class = PointSerializer
    permission_classes = [permissions.IsAuthenticated, IsOfficeOrReadOnly]
    filter_backends = [DjangoFilterBackend]
    filterset_class = PointFilterSet
    queryset = Point.objects.none()

    def get_queryset(self):
        return (
            Point.objects.visible_to(self.request.user)
            .select_related("point_type", "responsible_unit", "township", "point_leader")
            .order_by("area", "point_type__sort_order", "code")
        )
