"""Small pieces every app's API shares (serializers, schema fields); the rules stay in the apps."""

from django.utils.text import format_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def request_user(serializer):
    """The user of the request a serializer works for (None outside a request)."""
    request = serializer.context.get("request")
    return getattr(request, "user", None)


def absolute_url(serializer, path: str) -> str:
    """``path`` as an absolute URL when the serializer has a request to build it from."""
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


@extend_schema_field({"type": "string"})
class ChoiceField(serializers.ChoiceField):
    """A choice, documented as a string with its values listed. (As enums, the choices of
    different apps sharing a field name — ``status``, ``kind`` — would collide in the schema.)"""

    def __init__(self, choices, **kwargs):
        values = ", ".join(str(value) for value, _label in choices)
        help_text = kwargs.pop("help_text", "")
        kwargs["help_text"] = format_lazy("{} ({})", help_text, values) if help_text else values
        super().__init__(choices=choices, **kwargs)


@extend_schema_field(OpenApiTypes.BINARY)
class UploadField(serializers.FileField):
    """A file of a multipart request (documented as binary)."""
