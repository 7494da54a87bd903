"""The office's problem catalogue: categories (big and small classes), time-limit rules by
category and severity, and note templates (the office's usual replies, offered on step forms).

Each change checks that the actor runs the campaign office of the object's area (else
``PermissionDenied``), validates (``ValidationError`` keyed by field, fit to show on the form)
and writes an audit row in the same transaction. A category that problems use is never deleted:
the office retires it (``is_active=False``), so the problems keep their category and new ones
cannot choose it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, ProtectedError, Value, When
from django.utils.translation import gettext as _

from chuangcheng.core import audit
from chuangcheng.core.choices import AuditAction
from chuangcheng.org.models import OrgUnit, User
from chuangcheng.problems.actions import can_register
from chuangcheng.problems.choices import Action, CategoryClass, Severity, TimeUnit
from chuangcheng.problems.forms import area_units
from chuangcheng.problems.models import Category, DeadlineRule, NoteTemplate, Problem

# the steps whose forms offer note templates (register, assign, accept and submit take none)
TEMPLATE_ACTIONS = (
    Action.SEND_BACK,
    Action.APPROVE,
    Action.REJECT,
    Action.RETURN,
    Action.REASSIGN,
    Action.EXTEND,
    Action.COMMENT,
)
# about a year of working time: a longer limit is a typing error (a deadline set by hand may
# not be more than a year away either)
MAX_AMOUNT = {TimeUnit.WORK_DAYS: 250, TimeUnit.WORK_HOURS: 250 * 7}


def check_office(actor: User, area: OrgUnit) -> None:
    """Only the campaign office of ``area`` (or a superuser) changes its catalogue."""
    if not can_register(actor, area):
        raise PermissionDenied(_("Only the campaign office changes the problem catalogue."))


def check_amount(amount, unit: str, field: str) -> None:
    if unit not in TimeUnit.values:
        raise ValidationError({field: _("Choose working hours or working days.")})
    top = MAX_AMOUNT[TimeUnit(unit)]
    if amount is None or not 1 <= amount <= top:
        raise ValidationError(
            {field: _("Give a time limit from 1 to {top} {unit}.").format(top=top, unit=TimeUnit(unit).label)}
        )


def _small_class_of(area: OrgUnit, category: Category | None, field: str = "category") -> None:
    """Rules and templates attach to a small class of the area (problems are filed under those)."""
    if category is None:
        return
    if category.area_id != area.pk or category.parent_id is None:
        raise ValidationError({field: _("Choose a small class of this campaign area's catalogue.")})


# --- categories ---------------------------------------------------------------------------------
@dataclass
class CategoryData:
    """A big class (``parent`` empty) or a small class under ``parent``. A small class takes
    its big class's ``category_class``; only a small class has a time limit and department."""

    area: OrgUnit
    code: str
    name: str
    parent: Category | None = None
    category_class: str = CategoryClass.EVENT
    time_limit: int | None = None
    time_unit: str = TimeUnit.WORK_DAYS
    responsible_unit: OrgUnit | None = None
    needs_photo: bool = True
    sort_order: int = 0
    is_active: bool = True


def _check_category(data: CategoryData, *, current: Category | None = None) -> None:
    """Validate ``data`` for a new category, or for ``current`` changed to it."""
    errors = {}
    code, name = data.code.strip(), data.name.strip()
    if not code:
        errors["code"] = _("Give the code.")
    elif (
        Category.objects.filter(area=data.area, code__iexact=code)
        .exclude(pk=current.pk if current else None)
        .exists()
    ):
        errors["code"] = _("The code “{code}” is already used in this catalogue.").format(code=code)
    if not name:
        errors["name"] = _("Give the name.")
    if current is not None and (current.parent_id is None) != (data.parent is None):
        # a big class with small classes under it cannot move under another; keep the levels
        errors["parent"] = _("A big class stays a big class, and a small class stays a small class.")
    if data.parent is None:
        if data.time_limit:
            errors["time_limit"] = _("A big class has no time limit: give it to its small classes.")
        if data.responsible_unit is not None:
            errors["responsible_unit"] = _("A big class has no responsible department.")
        if data.category_class not in CategoryClass.values:
            errors["category_class"] = _("Choose event or component.")
    else:
        parent = data.parent
        if parent.area_id != data.area.pk or parent.parent_id is not None:
            errors["parent"] = _("Choose a big class of this campaign area's catalogue.")
        elif data.is_active and not parent.is_active:
            errors["parent"] = _("This big class is retired; reactivate it first.")
        if data.time_limit is not None:
            try:
                check_amount(data.time_limit, data.time_unit, "time_limit")
            except ValidationError as exc:
                errors.update(exc.message_dict)
        if (
            data.responsible_unit is not None
            and not area_units(data.area).filter(pk=data.responsible_unit.pk).exists()
        ):
            errors["responsible_unit"] = _("Choose an active department or unit of this campaign area.")
    if errors:
        raise ValidationError(errors)


def _apply(category: Category, data: CategoryData) -> None:
    category.code = data.code.strip()
    category.name = data.name.strip()
    category.parent = data.parent
    category.category_class = data.parent.category_class if data.parent else data.category_class
    category.time_limit = data.time_limit if data.parent else None
    category.time_unit = data.time_unit or TimeUnit.WORK_DAYS
    category.responsible_unit = data.responsible_unit if data.parent else None
    category.needs_photo = data.needs_photo
    category.sort_order = data.sort_order or 0
    category.is_active = data.is_active


def _save_category(category: Category) -> None:
    """Save; the unique constraint catches a code taken at the same moment by someone else."""
    try:
        with transaction.atomic():
            category.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"code": _("The code “{code}” is already used in this catalogue.").format(code=category.code)}
        ) from exc


def create_category(actor: User, data: CategoryData, *, request=None) -> Category:
    """Add a big class, or a small class under one."""
    check_office(actor, data.area)
    _check_category(data)
    with transaction.atomic():
        category = Category(area=data.area)
        _apply(category, data)
        _save_category(category)
        audit.record(
            AuditAction.CREATE,
            request=request,
            user=actor,
            obj=category,
            code=category.code,
            name=category.name,
        )
    return category


def update_category(actor: User, category_id: int, data: CategoryData, *, request=None) -> Category:
    """Change a category. Retiring a big class retires its small classes too; a small class
    cannot be active under a retired big class. Problems already filed keep their limits (a
    deadline is fixed when a problem is assigned)."""
    with transaction.atomic():
        category = Category.objects.select_for_update(of=("self",)).select_related("area").get(pk=category_id)
        check_office(actor, category.area)
        data.area = category.area
        _check_category(data, current=category)
        old = {
            "code": category.code,
            "name": category.name,
            "time_limit": category.time_limit,
            "time_unit": category.time_unit,
            "responsible_unit": category.responsible_unit_id,
            "is_active": category.is_active,
        }
        _apply(category, data)
        _save_category(category)
        retired = []
        if category.parent_id is None:
            children = Category.objects.filter(parent=category)
            children.exclude(category_class=category.category_class).update(
                category_class=category.category_class
            )
            if not category.is_active:
                retired = list(children.filter(is_active=True).values_list("pk", flat=True))
                children.filter(pk__in=retired).update(is_active=False)
        audit.record(
            AuditAction.UPDATE,
            request=request,
            user=actor,
            obj=category,
            old=old,
            code=category.code,
            time_limit=category.time_limit,
            time_unit=category.time_unit,
            responsible_unit=category.responsible_unit_id,
            is_active=category.is_active,
            retired_small_classes=retired,
        )
    return category


def category_in_use(category: Category) -> bool:
    return Problem.objects.filter(category=category).exists()


def delete_category(actor: User, category_id: int, *, request=None) -> None:
    """Delete a category entered by mistake. One that problems use (or a big class with small
    classes) is refused: the office retires it instead, and the history keeps its name."""
    with transaction.atomic():
        category = Category.objects.select_for_update(of=("self",)).select_related("area").get(pk=category_id)
        check_office(actor, category.area)
        if Category.objects.filter(parent=category).exists():
            raise ValidationError(_("Delete or move its small classes first, or retire it."))
        if category_in_use(category):
            raise ValidationError(
                _("Problems are filed under this category: retire it instead of deleting it.")
            )
        detail = {
            "code": category.code,
            "name": category.name,
            "rules": DeadlineRule.objects.filter(category=category).count(),
            "templates": NoteTemplate.objects.filter(category=category).count(),
        }
        audit.record(AuditAction.DELETE, request=request, user=actor, obj=category, **detail)
        try:
            with transaction.atomic():
                category.delete()
        except (ProtectedError, IntegrityError) as exc:  # a problem filed under it just now
            raise ValidationError(
                _("Problems are filed under this category: retire it instead of deleting it.")
            ) from exc


# --- time-limit rules ---------------------------------------------------------------------------
def save_deadline_rule(
    actor: User,
    area: OrgUnit,
    *,
    category: Category | None,
    severity: str,
    amount: int,
    unit: str,
    request=None,
) -> DeadlineRule:
    """Set the area's time limit for one severity, of one small class or (``category`` empty)
    of every category without its own: adds the rule, or changes the one there is."""
    check_office(actor, area)
    _small_class_of(area, category)
    if severity not in Severity.values:
        raise ValidationError({"severity": _("Choose the severity.")})
    check_amount(amount, unit, "amount")
    with transaction.atomic():
        rule = (
            DeadlineRule.objects.select_for_update()
            .filter(area=area, category=category, severity=severity)
            .first()
        )
        if rule is None:
            rule = DeadlineRule(area=area, category=category, severity=severity)
            old = None
        else:
            old = {"amount": rule.amount, "unit": rule.unit}
        rule.amount, rule.unit = amount, unit
        try:
            with transaction.atomic():
                rule.save()
        except IntegrityError as exc:  # the same rule added at the same moment
            raise ValidationError(_("This rule was just changed by someone else; try again.")) from exc
        audit.record(
            AuditAction.CREATE if old is None else AuditAction.UPDATE,
            request=request,
            user=actor,
            obj=rule,
            category=category.code if category else None,
            severity=severity,
            amount=amount,
            unit=unit,
            old=old,
        )
    return rule


def remove_deadline_rule(actor: User, rule_id: int, *, request=None) -> None:
    with transaction.atomic():
        rule = (
            DeadlineRule.objects.select_for_update(of=("self",))
            .select_related("area", "category")
            .get(pk=rule_id)
        )
        check_office(actor, rule.area)
        audit.record(
            AuditAction.DELETE,
            request=request,
            user=actor,
            obj=rule,
            category=rule.category.code if rule.category_id else None,
            severity=rule.severity,
            amount=rule.amount,
            unit=rule.unit,
        )
        rule.delete()


def rules_by_severity():
    """Rules in the order of the severities (general, major, critical), not alphabetical."""
    order = Case(*(When(severity=s, then=Value(i)) for i, s in enumerate(Severity.values)))
    return DeadlineRule.objects.order_by(order, "pk")


@dataclass
class RuleCell:
    severity: str
    rule: DeadlineRule | None
    applies: str  # the limit a problem gets when there is no rule here, and from where


@dataclass
class RuleRow:
    category: Category | None  # None: every category without a limit of its own
    cells: list[RuleCell]


def rule_table(area: OrgUnit) -> list[RuleRow]:
    """The rules of ``area`` as a table: a row for all categories, then one per small class, a
    column per severity; an empty cell says which limit applies instead (``deadlines``)."""
    rules = {(r.category_id, r.severity): r for r in DeadlineRule.objects.filter(area=area)}
    small = (
        Category.objects.filter(area=area, parent__isnull=False)
        .select_related("parent")
        .order_by("-is_active", "category_class", "parent__sort_order", "parent__code", "sort_order", "code")
    )

    def standard(severity):
        return _("{n} {unit} (default)").format(
            n=settings.PROBLEM_DEFAULT_WORKDAYS[severity], unit=TimeUnit.WORK_DAYS.label
        )

    def for_all(severity):
        rule = rules.get((None, severity))
        if rule is None:
            return standard(severity)
        return _("{n} {unit} (all categories)").format(n=rule.amount, unit=rule.get_unit_display())

    rows = [RuleRow(None, [RuleCell(s, rules.get((None, s)), standard(s)) for s in Severity.values])]
    for category in small:
        cells = []
        for s in Severity.values:
            if category.time_limit:
                applies = _("{limit} (the category's own)").format(limit=category.time_limit_text)
            else:
                applies = for_all(s)
            cells.append(RuleCell(s, rules.get((category.pk, s)), applies))
        rows.append(RuleRow(category, cells))
    return rows


# --- note templates -----------------------------------------------------------------------------
def add_note_template(
    actor: User,
    area: OrgUnit,
    *,
    action: str,
    text: str,
    category: Category | None = None,
    sort_order: int = 0,
    request=None,
) -> NoteTemplate:
    """Add one of the office's usual replies for a step (of one small class, or of all)."""
    check_office(actor, area)
    text = (text or "").strip()
    if action not in TEMPLATE_ACTIONS:
        raise ValidationError({"action": _("Choose a step that takes a note.")})
    _small_class_of(area, category)
    if not text:
        raise ValidationError({"text": _("Write the text of the reply.")})
    if len(text) > 300:
        raise ValidationError({"text": _("The text is too long (at most 300 characters).")})
    with transaction.atomic():
        if NoteTemplate.objects.filter(area=area, action=action, category=category, text=text).exists():
            raise ValidationError({"text": _("This reply is already offered for this step.")})
        template = NoteTemplate.objects.create(
            area=area, action=action, category=category, text=text, sort_order=sort_order or 0
        )
        audit.record(
            AuditAction.CREATE,
            request=request,
            user=actor,
            obj=template,
            step=action,
            category=category.code if category else None,
        )
    return template


def remove_note_template(actor: User, template_id: int, *, request=None) -> None:
    with transaction.atomic():
        template = (
            NoteTemplate.objects.select_for_update(of=("self",)).select_related("area").get(pk=template_id)
        )
        check_office(actor, template.area)
        audit.record(
            AuditAction.DELETE,
            request=request,
            user=actor,
            obj=template,
            step=template.action,
            text=template.text,
        )
        template.delete()
