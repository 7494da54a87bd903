"""组织与人员: the org-unit tree, people, roles, pairing (结对联创) and visits (督战)."""

import re

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuangcheng.core.models import TimeStampedModel
from chuangcheng.core.scoping import Scope
from chuangcheng.org.choices import AREA_KINDS, AREA_ROLES, SUBTREE_ROLES, Role, UnitKind
from chuangcheng.org.querysets import (
    OrgUnitQuerySet,
    PairingQuerySet,
    RoleAssignmentQuerySet,
    UserQuerySet,
    VisitQuerySet,
)
from chuangcheng.utils.pinyin import pinyin_key

mobile_validator = RegexValidator(
    r"^1[3-9]\d{9}$", _("Enter an 11-digit mainland mobile number, e.g. 13812345678.")
)
# Office numbers too: 0xxx-xxxxxxx with an optional extension.
phone_validator = RegexValidator(
    r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$",
    _("Enter a mobile number (13812345678) or an office number (0571-87654321)."),
)


class OrgUnit(TimeStampedModel):
    """A unit of the campaign's organisation: a city, a county, a township, a department…

    The tree is stored twice: ``parent`` for integrity and a materialised ``path`` of ids
    ("/1/4/17/") so that "this unit and everything below it" is one prefix condition on an
    indexed column — what every ``visible_to`` query needs.
    """

    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("tree path"), max_length=255, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(_("depth"), editable=False, default=0)
    code = models.CharField(
        _("code"), max_length=32, blank=True, help_text=_("Administrative or internal code.")
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    name_pinyin = models.CharField(_("name (pinyin)"), max_length=300, editable=False, default="")
    is_active = models.BooleanField(_("active"), default=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[phone_validator])
    principal = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("principal (一把手)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="units_as_principal",
    )
    leader_in_charge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader in charge (分管领导)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="units_as_leader_in_charge",
    )
    full_time_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("full-time staff (专职干部)"),
        blank=True,
        related_name="units_as_full_time_staff",
    )

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="org_unit_unique_name_under_parent"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("org:unit", args=[self.pk])

    @property
    def display_name(self):
        return self.short_name or self.name

    def save(self, *args, **kwargs):
        self.name_pinyin = pinyin_key(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_pinyin"}
        if self.parent_id and self.parent_id == self.pk:
            raise ValueError("a unit cannot be its own parent")
        with transaction.atomic():
            super().save(*args, **kwargs)
            expected = self._computed_path()
            if self.path != expected:
                old_path = self.path
                self.path = expected
                self.depth = expected.count("/") - 2
                type(self).objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)
                if old_path:
                    self._rewrite_descendant_paths(old_path, self.path)

    def _computed_path(self) -> str:
        if self.parent_id is None:
            return f"/{self.pk}/"
        parent_path = type(self).objects.filter(pk=self.parent_id).values_list("path", flat=True).get()
        if parent_path.startswith(self.path or "\0"):
            raise ValueError("a unit cannot be moved below itself")
        return f"{parent_path}{self.pk}/"

    def _rewrite_descendant_paths(self, old_path: str, new_path: str):
        """Move a subtree: replace the old prefix of every descendant's path, set-based."""
        depth_change = new_path.count("/") - old_path.count("/")
        type(self).objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1), output_field=models.CharField()),
            depth=F("depth") + depth_change,
        )

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to the parent (excluding this unit)."""
        return [int(part) for part in self.path.strip("/").split("/")[:-1] if part]

    def ancestors(self):
        return OrgUnit.objects.filter(pk__in=self.ancestor_ids).order_by("depth")

    def descendants(self, include_self=False):
        qs = OrgUnit.objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)

    def area(self) -> "OrgUnit":
        """The campaign area this unit belongs to: the nearest county or city at or above it."""
        if self.kind in AREA_KINDS:
            return self
        found = (
            OrgUnit.objects.filter(pk__in=self.ancestor_ids, kind__in=AREA_KINDS).order_by("-depth").first()
        )
        if found is not None:
            return found
        root_id = self.ancestor_ids[0] if self.ancestor_ids else self.pk
        return OrgUnit.objects.get(pk=root_id) if root_id != self.pk else self


class PersonManager(UserManager.from_queryset(UserQuerySet)):
    """Django's user manager (create_user…) with the scoping queryset."""


class User(AbstractUser):
    """A person who signs in: an official, an inspector, a unit's clerk.

    ``unit`` is the unit the person belongs to; roles are held per unit (``RoleAssignment``)
    and decide what the person sees (``get_scope``).
    """

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    name_pinyin = models.CharField(
        _("name (pinyin)"), max_length=200, editable=False, default="", db_index=True
    )
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    job_title = models.CharField(_("job title"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[phone_validator])

    objects = PersonManager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name_pinyin", "username"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    def get_absolute_url(self):
        return reverse("org:person", args=[self.pk])

    def save(self, *args, **kwargs):
        self.name_pinyin = pinyin_key(self.display_name)
        fields = kwargs.get("update_fields")
        if fields is not None and {"full_name", "username"} & set(fields):
            kwargs["update_fields"] = {*fields, "name_pinyin"}
        super().save(*args, **kwargs)

    # --- roles and scope -----------------------------------------------------------------
    def _assignments(self):
        cached = getattr(self, "_role_assignment_cache", None)
        if cached is None:
            cached = list(self.role_assignments.select_related("unit")) if self.pk else []
            self._role_assignment_cache = cached
        return cached

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(a.role for a in self._assignments())

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def units_with_role(self, *roles: str) -> list[OrgUnit]:
        return [a.unit for a in self._assignments() if a.role in roles]

    def get_scope(self) -> Scope:
        """The org units this person may see, from the roles they hold (cached per instance)."""
        cached = getattr(self, "_scope_cache", None)
        if cached is not None:
            return cached
        if self.is_superuser:
            scope = Scope(everything=True)
        else:
            subtrees: set[str] = set()
            units: set[int] = set()
            paths: set[str] = set()
            for assignment in self._assignments():
                if assignment.role in AREA_ROLES:
                    subtrees.add(assignment.unit.area().path)
                elif assignment.role in SUBTREE_ROLES:
                    subtrees.add(assignment.unit.path)
                else:
                    units.add(assignment.unit_id)
                    paths.add(assignment.unit.path)
            if self.unit_id:
                units.add(self.unit_id)
                paths.add(self.unit.path)
            # a subtree inside another adds nothing
            subtrees = {p for p in subtrees if not any(p != q and p.startswith(q) for q in subtrees)}
            ancestors = {
                int(part) for path in subtrees | paths for part in path.strip("/").split("/") if part
            }
            scope = Scope(
                subtree_paths=frozenset(subtrees),
                unit_ids=frozenset(units),
                ancestor_ids=frozenset(ancestors),
            )
        self._scope_cache = scope
        return scope

    @property
    def is_office(self) -> bool:
        """Campaign office (county or city) or superuser: may change campaign data in their area."""
        return self.is_superuser or self.has_role(Role.OFFICE, Role.CITY_OFFICE)

    def office_area(self) -> "OrgUnit | None":
        """The campaign area this person manages as the office: the area of the unit where they
        hold the office (or city-office) role. None when it cannot be told: no office role, or
        offices in several areas and no own unit to choose by. A superuser manages their own
        unit's area."""
        if not self.is_active:
            return None
        units = self.units_with_role(Role.OFFICE) or self.units_with_role(Role.CITY_OFFICE)
        areas = {area.pk: area for area in (unit.area() for unit in units)}
        if len(areas) == 1:
            return next(iter(areas.values()))
        if self.unit_id and (self.is_superuser or areas):
            own = self.unit.area()
            if self.is_superuser or own.pk in areas:
                return own
        return None

    def can_see_unit(self, unit: OrgUnit) -> bool:
        return self.get_scope().covers_path(unit.path, unit.pk)


class RoleAssignment(TimeStampedModel):
    """One role held by one person at one unit (e.g. inspector at the campaign office)."""

    user = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="org_role_unique")]
        ordering = ["unit__path", "role"]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.unit}"


class Pairing(TimeStampedModel):
    """结对联创: a county leader paired with a unit they mobilise and visit (督战)."""

    leader = models.ForeignKey(
        User, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="pairings"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="pairings"
    )
    started_on = models.DateField(_("paired since"))
    ended_on = models.DateField(_("paired until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        ordering = ["leader__name_pinyin", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["leader", "unit", "started_on"], name="org_pairing_unique"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="org_pairing_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.leader} ↔ {self.unit}"

    def is_active_on(self, day) -> bool:
        return self.started_on <= day and (self.ended_on is None or day <= self.ended_on)

    @property
    def is_active(self) -> bool:
        return self.is_active_on(timezone.localdate())


class Visit(TimeStampedModel):
    """督战: a leader's visit to a paired unit, with notes and photos."""

    leader = models.ForeignKey(
        User, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="visits"
    )
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="visits")
    pairing = models.ForeignKey(
        Pairing,
        verbose_name=_("pairing"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    visited_on = models.DateField(_("date of visit"))
    notes = models.TextField(_("notes"), max_length=4000)
    recorded_by = models.ForeignKey(
        User, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="visits_recorded"
    )

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["unit", "visited_on"])]

    def __str__(self):
        return f"{self.visited_on} {self.leader} → {self.unit}"

    def get_absolute_url(self):
        return reverse("org:visit", args=[self.pk])


def visit_photo_path(instance, filename):
    # the name is already random (core.uploads); only the folder is chosen here
    return f"visits/{timezone.now():%Y/%m}/{re.sub(r'[^0-9a-zA-Z._-]', '', filename)}"


class VisitPhoto(models.Model):
    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        _("photo"), upload_to=visit_photo_path, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")
        ordering = ["id"]

    def __str__(self):
        return self.image.name

    def get_absolute_url(self):
        return reverse("org:visit_photo", args=[self.pk])
