"""The office's catalogue pages: categories, time-limit rules, note templates. Thin: the office's
own area or 403, objects of another area 404, a form, a ``catalogue`` action, a redirect."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chuangcheng.problems import catalogue
from chuangcheng.problems.actions import can_register
from chuangcheng.problems.catalogue_forms import (
    BigClassForm,
    DeadlineRuleForm,
    NoteTemplateForm,
    SmallClassForm,
)
from chuangcheng.problems.choices import Severity
from chuangcheng.problems.models import Category, DeadlineRule, NoteTemplate, Problem

CATEGORY_FIELDS = [
    "parent",
    "code",
    "name",
    "category_class",
    "time_limit",
    "time_unit",
    "responsible_unit",
    "needs_photo",
    "sort_order",
    "is_active",
]


def office_area(request):
    """The area whose catalogue the user keeps as its campaign office; 403 for anyone else."""
    area = request.user.office_area()
    if area is None or not can_register(request.user, area):
        raise PermissionDenied
    return area


def add_errors(form, exc: ValidationError) -> None:
    """Put an action's refusal on the form: on its field when the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _category_data(area, cleaned) -> catalogue.CategoryData:
    return catalogue.CategoryData(area=area, **{k: v for k, v in cleaned.items() if k in CATEGORY_FIELDS})


def _render_category(request, form, area, category=None, *, status=200, refusal=""):
    return render(
        request,
        "problems/catalogue/category_form.html",
        {
            "form": form,
            "area": area,
            "category": category,
            "is_big": isinstance(form, BigClassForm),
            "problem_count": Problem.objects.filter(category=category).count() if category else 0,
            "refusal": refusal,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def big_class_new(request):
    area = office_area(request)
    form = BigClassForm(request.POST or None, area=area)
    if request.method == "POST" and form.is_valid():
        try:
            category = catalogue.create_category(
                request.user, _category_data(area, form.cleaned_data), request=request
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Big class “{name}” added.").format(name=category.name))
            return redirect("problems:categories")
    return _render_category(request, form, area, status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
def small_class_new(request):
    area = office_area(request)
    parent = request.GET.get("parent", "")
    form = SmallClassForm(
        request.POST or None, area=area, initial={"parent": parent} if parent.isdigit() else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            category = catalogue.create_category(
                request.user, _category_data(area, form.cleaned_data), request=request
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Small class “{name}” added.").format(name=category.name))
            return redirect("problems:categories")
    return _render_category(request, form, area, status=400 if request.method == "POST" else 200)


def _edit_form(category, area, data=None):
    initial = {name: getattr(category, name) for name in CATEGORY_FIELDS if name != "parent"}
    initial["parent"] = category.parent_id
    initial["responsible_unit"] = category.responsible_unit_id
    if category.parent_id is None:
        return BigClassForm(data, area=area, initial=initial)
    return SmallClassForm(data, area=area, current=category, initial=initial)


@require_http_methods(["GET", "POST"])
def category_edit(request, pk):
    area = office_area(request)
    category = get_object_or_404(Category.objects.select_related("parent"), pk=pk, area=area)
    form = _edit_form(category, area, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = _category_data(area, form.cleaned_data)
        try:
            category = catalogue.update_category(request.user, category.pk, data, request=request)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Category “{name}” saved.").format(name=category.name))
            return redirect("problems:categories")
    return _render_category(request, form, area, category, status=400 if request.method == "POST" else 200)


@require_POST
def category_delete(request, pk):
    """Delete a category entered by mistake; one in use is refused (409): retire it instead."""
    area = office_area(request)
    category = get_object_or_404(Category.objects.select_related("parent"), pk=pk, area=area)
    try:
        catalogue.delete_category(request.user, category.pk, request=request)
    except ValidationError as exc:
        return _render_category(
            request, _edit_form(category, area), area, category, status=409, refusal=" ".join(exc.messages)
        )
    messages.success(request, _("Category “{name}” deleted.").format(name=category.name))
    return redirect("problems:categories")


# --- time-limit rules ---------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def deadline_rules(request):
    """The rules as a table, category × severity; the form below adds a rule or changes one."""
    area = office_area(request)
    if request.method == "POST":
        form = DeadlineRuleForm(request.POST, area=area)
    else:
        initial = {
            k: request.GET[k] for k in ("category", "severity", "amount", "unit") if request.GET.get(k)
        }
        form = DeadlineRuleForm(initial=initial, area=area)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            catalogue.save_deadline_rule(
                request.user,
                area,
                category=d["category"],
                severity=d["severity"],
                amount=d["amount"],
                unit=d["unit"],
                request=request,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Time-limit rule saved."))
            return redirect("problems:deadline_rules")
    return render(
        request,
        "problems/catalogue/rules.html",
        {"form": form, "area": area, "rows": catalogue.rule_table(area), "severities": Severity.choices},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def deadline_rule_delete(request, pk):
    area = office_area(request)
    rule = get_object_or_404(DeadlineRule, pk=pk, area=area)
    catalogue.remove_deadline_rule(request.user, rule.pk, request=request)
    messages.success(request, _("Time-limit rule removed."))
    return redirect("problems:deadline_rules")


# --- note templates -----------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def note_templates(request):
    area = office_area(request)
    form = NoteTemplateForm(request.POST or None, area=area)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            catalogue.add_note_template(
                request.user,
                area,
                action=d["action"],
                text=d["text"],
                category=d["category"],
                sort_order=d["sort_order"],
                request=request,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Note template added."))
            return redirect(reverse("problems:note_templates"))
    templates = (
        NoteTemplate.objects.filter(area=area)
        .select_related("category__parent")
        .order_by("action", "category__code", "sort_order", "pk")
    )
    return render(
        request,
        "problems/catalogue/templates.html",
        {"form": form, "area": area, "templates": templates},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def note_template_delete(request, pk):
    area = office_area(request)
    template = get_object_or_404(NoteTemplate, pk=pk, area=area)
    catalogue.remove_note_template(request.user, template.pk, request=request)
    messages.success(request, _("Note template removed."))
    return redirect("problems:note_templates")
