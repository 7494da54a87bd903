from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")
    DEPARTMENT = "department", _("Department")
    TASK_FORCE = "task_force", _("Task force")
    CAMPAIGN_OFFICE = "campaign_office", _("Campaign office")
    LEADING_GROUP = "leading_group", _("Leading group")
    OTHER = "other", _("Other")


# A campaign area: the county (or city) whose whole tree an office, a leader or an overseer sees.
AREA_KINDS = frozenset({UnitKind.COUNTY, UnitKind.CITY})
TERRITORIAL_KINDS = frozenset({UnitKind.TOWNSHIP, UnitKind.STREET, UnitKind.COMMUNITY})


class Role(models.TextChoices):
    """The roles of DESIGN.md ("Who uses it"); each is held at one org unit."""

    LEADER = "leader", _("Leading group member")
    OFFICE = "office", _("Campaign office staff")
    TASK_FORCE = "task_force", _("Task force member")
    UNIT_ADMIN = "unit_admin", _("Unit administrator")
    UNIT_STAFF = "unit_staff", _("Unit staff")
    POINT_LEADER = "point_leader", _("Point leader")
    INSPECTOR = "inspector", _("Inspector")
    OVERSIGHT = "oversight", _("Oversight (discipline/organisation)")
    CITY_OFFICE = "city_office", _("City campaign office")


# Roles that see the whole campaign area (county or city) of the unit where they are held.
AREA_ROLES = frozenset({Role.LEADER, Role.OFFICE, Role.TASK_FORCE, Role.OVERSIGHT, Role.CITY_OFFICE})
# Roles that see the unit where they are held and everything below it.
SUBTREE_ROLES = frozenset({Role.UNIT_ADMIN, Role.UNIT_STAFF})
# Point leaders and inspectors see only the unit where the role is held (their points and
# assignments are scoped further by the points and inspections apps).
UNIT_ONLY_ROLES = frozenset({Role.POINT_LEADER, Role.INSPECTOR})
# Roles that may change campaign data across the area (others only act on their own unit's items).
OFFICE_ROLES = frozenset({Role.OFFICE, Role.CITY_OFFICE})
READ_ONLY_ROLES = frozenset({Role.OVERSIGHT})
