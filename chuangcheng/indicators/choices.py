from django.db import models
from django.utils.translation import gettext_lazy as _


class Title(models.TextChoices):
    """The city titles a campaign works for (创建称号)."""

    CIVILISED_NATIONAL = "civilised_national", _("National Civilised City")
    CIVILISED_PROVINCIAL = "civilised_provincial", _("Provincial Civilised City")
    SANITARY_CITY = "sanitary_city", _("National Sanitary City")
    SANITARY_COUNTY = "sanitary_county", _("National Sanitary County")
    FOREST_CITY = "forest_city", _("National Forest City")
    GARDEN_NATIONAL = "garden_national", _("National Garden City")
    GARDEN_PROVINCIAL_COUNTY = "garden_provincial_county", _("Provincial Garden County Town")


class TitleFamily(models.TextChoices):
    """The four creations of 四城同创; each has one task force (专班)."""

    CIVILISED = "civilised", _("Civilised city")
    SANITARY = "sanitary", _("Sanitary city")
    FOREST = "forest", _("Forest city")
    GARDEN = "garden", _("Garden city")


TITLE_FAMILY = {
    Title.CIVILISED_NATIONAL: TitleFamily.CIVILISED,
    Title.CIVILISED_PROVINCIAL: TitleFamily.CIVILISED,
    Title.SANITARY_CITY: TitleFamily.SANITARY,
    Title.SANITARY_COUNTY: TitleFamily.SANITARY,
    Title.FOREST_CITY: TitleFamily.FOREST,
    Title.GARDEN_NATIONAL: TitleFamily.GARDEN,
    Title.GARDEN_PROVINCIAL_COUNTY: TitleFamily.GARDEN,
}


class CityLevel(models.TextChoices):
    """The official systems differ by the level of the city assessed."""

    PREFECTURE = "prefecture", _("Prefecture level and above")
    COUNTY = "county", _("County level")


class SystemStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    ARCHIVED = "archived", _("Archived")


class Method(models.TextChoices):
    """测评方法: how an indicator is assessed (a closed set)."""

    FIELD_CHECK = "field_check", _("Field check")
    DOCUMENT_REVIEW = "document_review", _("Document review")
    SURVEY = "survey", _("Questionnaire survey")
    STATISTIC = "statistic", _("Statistic")
    ONLINE_FILING = "online_filing", _("Online filing")
    MEDIA_SURVEY = "media_survey", _("Online media survey")
    ENQUIRY = "enquiry", _("Enquiry")


class ScoringMode(models.TextChoices):
    PASS_FAIL = "pass_fail", _("Pass/fail with a deduction")
    STATUS_SCALE = "status_scale", _("Status scale A/B/C/C#")


class ItemStatus(models.TextChoices):
    """The assessors' status scale: share of the item's points kept."""

    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    C_SHARP = "C#", "C#"


# Share of an item's points kept at each status (A / B / C / C# = 100 / 66 / 33 / 0 %).
STATUS_SHARE = {ItemStatus.A: 100, ItemStatus.B: 66, ItemStatus.C: 33, ItemStatus.C_SHARP: 0}


class Comparison(models.TextChoices):
    AT_LEAST = "gte", "≥"
    AT_MOST = "lte", "≤"
    BETWEEN = "between", _("between")
    IMPROVING = "improving", _("keeps improving")


class PeriodType(models.TextChoices):
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    YEAR = "year", _("Yearly")
