"""点位: the places assessors visit, each with a type (and so a checklist), a responsible unit
and a named point leader (点长)."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuangcheng.core.models import TimeStampedModel
from chuangcheng.indicators.models import PointType
from chuangcheng.org.models import OrgUnit
from chuangcheng.points.choices import PointStatus
from chuangcheng.points.querysets import PointQuerySet


class Point(TimeStampedModel):
    """An assessment point (测评点位). Coordinates are WGS-84."""

    area = models.ForeignKey(
        OrgUnit, verbose_name=_("campaign area"), on_delete=models.PROTECT, related_name="+"
    )
    point_type = models.ForeignKey(
        PointType, verbose_name=_("point type"), on_delete=models.PROTECT, related_name="points"
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=120)
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude (WGS-84)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude (WGS-84)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    township = models.ForeignKey(
        OrgUnit,
        verbose_name=_("township/street"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="points_in_territory",
    )
    responsible_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="points"
    )
    point_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("point leader"),
        on_delete=models.PROTECT,
        related_name="led_points",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PointStatus.choices, default=PointStatus.ACTIVE
    )
    # printed on the point's QR code: opens the public report form with the point filled in;
    # random, so the public cannot enumerate points
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    notes = models.TextField(_("notes"), blank=True)

    objects = PointQuerySet.as_manager()

    class Meta:
        verbose_name = _("point")
        verbose_name_plural = _("points")
        ordering = ["area", "point_type__sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["area", "code"], name="points_unique_code")]
        indexes = [
            models.Index(fields=["responsible_unit", "status"]),
            models.Index(fields=["township", "status"]),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("points:point", args=[self.pk])

    @property
    def public_report_path(self) -> str:
        """The fixed URL printed on the QR code: the public report form with the point filled in."""
        return f"/report/point/{self.public_id}/"

    @property
    def has_location(self):
        return self.latitude is not None and self.longitude is not None


def point_photo_path(instance, filename):
    return f"points/{timezone.now():%Y/%m}/{filename}"


class PointPhoto(models.Model):
    point = models.ForeignKey(Point, verbose_name=_("point"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        _("photo"), upload_to=point_photo_path, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("point photo")
        verbose_name_plural = _("point photos")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.image.name


class AreaOutline(models.Model):
    """The outline of a township/street (or the county) as GeoJSON in WGS-84, drawn on the map."""

    unit = models.OneToOneField(
        OrgUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="outline"
    )
    geojson = models.JSONField(_("GeoJSON geometry"))

    class Meta:
        verbose_name = _("area outline")
        verbose_name_plural = _("area outlines")

    def __str__(self):
        return str(self.unit)
