from django.db import models
from django.utils.translation import gettext_lazy as _


class PointStatus(models.TextChoices):
    ACTIVE = "active", _("In use")
    RETIRED = "retired", _("Retired")


class CoordinateSystem(models.TextChoices):
    """We store WGS-84; Chinese phone maps (高德, 腾讯) give GCJ-02, converted on the way in."""

    WGS84 = "wgs84", _("WGS-84 (GPS)")
    GCJ02 = "gcj02", _("GCJ-02 (Chinese phone maps)")
