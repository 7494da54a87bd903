from rest_framework import serializers

from chuangcheng.org.models import OrgUnit, User


class OrgUnitSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = OrgUnit
        fields = ["id", "name", "short_name", "kind", "kind_display", "parent", "depth", "code", "is_active"]
        read_only_fields = fields


class PersonSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name", "unit", "job_title", "is_active"]
        read_only_fields = fields
