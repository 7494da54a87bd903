"""Read-only org API. Querysets start from visible_to: DRF applies no object permissions to lists."""

from rest_framework import viewsets

from chuangcheng.org.api.serializers import OrgUnitSerializer, PersonSerializer
from chuangcheng.org.models import OrgUnit, User


class OrgUnitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrgUnitSerializer
    queryset = OrgUnit.objects.none()

    def get_queryset(self):
        return OrgUnit.objects.visible_to(self.request.user).order_by("path")


class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PersonSerializer
    queryset = User.objects.none()

    def get_queryset(self):
        return User.objects.visible_to(self.request.user).filter(is_active=True).order_by("name_pinyin")
