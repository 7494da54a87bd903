"""Evaluation pages: thin — fetch through ``visible_to``, validate a form, call an action, render.

The office of an area runs a month (a draft), reviews it, publishes it, corrects it, edits the
rules and moves the rewards and penalties along; everyone in the area reads the published
months and the ledger. Office-only steps answer 403 to those who are no office at all, and 404
to another area's office (the evaluation is not visible to it).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuangcheng.core.scoping import get_visible_or_404
from chuangcheng.scoring import actions
from chuangcheng.scoring import rules as scoring_rules
from chuangcheng.scoring.choices import PeerGroup, SanctionStatus
from chuangcheng.scoring.evaluate import previous_month
from chuangcheng.scoring.forms import (
    MoveSanctionForm,
    PublishForm,
    RunMonthForm,
    SanctionFilterForm,
    SettingsForm,
    rule_label,
    sanction_legend,
)
from chuangcheng.scoring.models import Evaluation, PointResult, Sanction, ScoringSettings, UnitResult

EVALUATIONS_PER_PAGE = 20  # each published one is re-hashed on the list (two queries each)
SANCTIONS_PER_PAGE = 50
# the ledger's buttons, in the order shown
MOVES = (SanctionStatus.CONFIRMED, SanctionStatus.APPLIED, SanctionStatus.WITHDRAWN)


def _office_area_or_403(user):
    """The area ``user`` runs as the office; 403 for anyone who is no office."""
    area = user.office_area()
    if area is None or not actions.can_manage(user, area):
        raise PermissionDenied
    return area


def _refused(exc: actions.ScoringError):
    """A forbidden step is a 403 page; any other refusal is shown where it was asked."""
    if exc.code == "forbidden":
        raise PermissionDenied(exc.message)
    return exc.message, exc.http_status


def _evaluations_queryset(user):
    return (
        Evaluation.objects.visible_to(user)
        .select_related("area", "settings_version", "computed_by", "published_by", "corrects")
        .order_by("-month", "area__path", "-number")
    )


# --- the months ----------------------------------------------------------------------------------
def _render_evaluations(request, form, area=None, status=200):
    page = Paginator(_evaluations_queryset(request.user), EVALUATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = [{"evaluation": e, "verified": e.verify() if e.is_published else None} for e in page]
    areas = {row["evaluation"].area_id for row in rows}
    return render(
        request,
        "scoring/evaluations.html",
        {"page": page, "rows": rows, "form": form, "area": area, "many_areas": len(areas) > 1},
        status=status,
    )


@require_GET
def evaluations(request):
    """月评: every month's versions the user may see; the office evaluates a month here."""
    user = request.user
    area = user.office_area()
    if area is None or not actions.can_manage(user, area):
        return _render_evaluations(request, None)
    form = RunMonthForm(initial={"month": previous_month(timezone.localdate())})
    return _render_evaluations(request, form, area)


@require_POST
def run(request):
    """Evaluate a month as a draft (replacing an earlier draft of it) and open the draft."""
    user = request.user
    area = _office_area_or_403(user)
    form = RunMonthForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            evaluation = actions.run_month(user, area, form.cleaned_data["month"], request=request)
        except actions.ScoringError as exc:
            message, status = _refused(exc)
            form.add_error("month", message)
        else:
            messages.success(request, _("The draft is ready: review it, then publish it."))
            return redirect(evaluation)
    return _render_evaluations(request, form, area, status=status)


# --- one evaluation ------------------------------------------------------------------------------
def _detail_queryset():
    return Evaluation.objects.select_related(
        "area", "settings_version", "computed_by", "published_by", "corrects"
    )


def _unit_groups(evaluation):
    """The unit results per peer group, ranked first (best first), then the insufficient samples."""
    rows = (
        UnitResult.objects.filter(evaluation=evaluation)
        .select_related("unit")
        .order_by("peer_group", F("rank").asc(nulls_last=True), "unit__name_pinyin", "unit_id")
    )
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(row.peer_group, []).append(row)
    order = list(PeerGroup.values)
    return [
        {"label": PeerGroup(key).label, "rows": groups[key]}
        for key in sorted(groups, key=lambda k: order.index(k) if k in order else len(order))
    ]


def _render_evaluation(request, evaluation, *, publish_form=None, error=None, status=200):
    user = request.user
    is_office = actions.can_manage(user, evaluation.area)
    failing = list(
        PointResult.objects.filter(evaluation=evaluation, passed=False)
        .select_related("point", "point__point_type", "township", "responsible_unit", "point_leader")
        .order_by("failing_rank", "point__code", "point_id")
    )
    versions = list(
        Evaluation.objects.visible_to(user)
        .filter(area=evaluation.area, month=evaluation.month)
        .select_related("published_by")
        .order_by("number")
    )
    draft = next((v for v in versions if not v.is_published), None)
    newest_published = max((v for v in versions if v.is_published), key=lambda v: v.number, default=None)
    sanctions = list(
        Sanction.objects.filter(evaluation=evaluation, superseded_by__isnull=True)
        .select_related("unit", "person")
        .order_by("kind", "pk")
    )
    for entry in sanctions:
        entry.rule_text = rule_label(entry.rule)
    counts = evaluation.input_counts or {}
    if is_office and publish_form is None and not evaluation.is_published:
        publish_form = PublishForm(is_correction=bool(evaluation.corrects_id))
    return render(
        request,
        "scoring/evaluation.html",
        {
            "evaluation": evaluation,
            "rules": evaluation.settings_version.rules,
            "verified": evaluation.verify() if evaluation.is_published else None,
            "counts": counts,
            "points_passed": max(counts.get("points", 0) - len(failing), 0),
            "failing": failing,
            "unit_groups": _unit_groups(evaluation),
            "sanctions": sanctions,
            "versions": versions,
            "draft": draft,
            # a published version a later one corrects
            "corrected_by": newest_published
            if evaluation.is_published and newest_published.number > evaluation.number
            else None,
            "is_office": is_office,
            "publish_form": publish_form,
            # a correction is run from the newest published version, when none is being drafted
            "can_correct": is_office
            and evaluation.is_published
            and draft is None
            and evaluation == newest_published,
            "error": error,
        },
        status=status,
    )


@require_GET
def evaluation(request, pk):
    """One evaluation: its header, the failing points ranked, the units per peer group, its
    rewards and penalties; the office publishes, re-runs or corrects it here."""
    item = get_visible_or_404(_detail_queryset(), request.user, request=request, pk=pk)
    return _render_evaluation(request, item)


@require_POST
def publish(request, pk):
    """Freeze a draft (a correction needs its reason)."""
    user = request.user
    _office_area_or_403(user)
    item = get_visible_or_404(_detail_queryset(), user, request=request, pk=pk)
    form = PublishForm(request.POST, is_correction=bool(item.corrects_id))
    valid = form.is_valid()
    if not (valid or item.is_published):
        return _render_evaluation(request, item, publish_form=form, status=400)
    try:
        published = actions.publish(
            user, item.pk, reason=form.cleaned_data.get("reason", "") if valid else "", request=request
        )
    except actions.ScoringError as exc:
        message, status = _refused(exc)
        return _render_evaluation(request, item, publish_form=form, error=message, status=status)
    messages.success(
        request,
        _("Published {month} version {number}: its figures are frozen.").format(
            month=published.month.strftime("%Y-%m"), number=published.number
        ),
    )
    return redirect(published)


@require_POST
def rerun(request, pk):
    """Run the evaluation's month again: a fresh draft in place of a draft, or a correction (a new
    draft version) of a published one."""
    user = request.user
    _office_area_or_403(user)
    item = get_visible_or_404(_detail_queryset(), user, request=request, pk=pk)
    try:
        fresh = actions.run_month(user, item.area, item.month, request=request)
    except actions.ScoringError as exc:
        message, status = _refused(exc)
        return _render_evaluation(request, item, error=message, status=status)
    if fresh.corrects_id and item.is_published:
        messages.success(request, _("A correction is drafted: review it, then publish it with a reason."))
    else:
        messages.success(request, _("The month was evaluated again."))
    return redirect(fresh)


# --- the rules -----------------------------------------------------------------------------------
def _history(versions, form):
    """Each settings version with what it changed from the one before (field labels, old → new)."""
    labels = {name: field.label for name, field in form.fields.items()}
    names = [name for name in form.fields if name != "reason"]
    rows, previous = [], None
    for version in sorted(versions, key=lambda v: v.version):
        try:
            data = scoring_rules.from_data(version.data).to_data()
        except ValidationError:
            data = version.data
        changes = []
        if previous is not None:
            for name in names:
                old, new = previous.get(name), data.get(name)
                if old == new:
                    continue
                if name == "sanctions":
                    changes.append((_("Rewards and penalties"), None, None))
                elif name == "month_weights":
                    changes.append((labels[name], ", ".join(old or []), ", ".join(new or [])))
                else:
                    changes.append((labels[name], old, new))
        rows.append({"settings": version, "changes": changes})
        previous = data
    return list(reversed(rows))


@require_http_methods(["GET", "POST"])
def settings_view(request):
    """The area's evaluation rules as a form; saving makes a new version (with a reason)."""
    user = request.user
    area = _office_area_or_403(user)
    current = actions.current_settings(area, create=False)
    rules = current.rules if current is not None else scoring_rules.Rules()
    form = SettingsForm(request.POST or None, initial=SettingsForm.initial_from(rules))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                saved = actions.save_settings(
                    user, area, form.rules_data(), form.cleaned_data["reason"], request=request
                )
            except ValidationError as exc:
                form.add_rule_errors(exc)
            except actions.ScoringError as exc:
                message, status = _refused(exc)
                form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("Saved as version {n}; the next evaluation uses it.").format(n=saved.version),
                )
                return redirect("scoring:settings")
    versions = list(ScoringSettings.objects.filter(area=area).select_related("created_by"))
    return render(
        request,
        "scoring/settings.html",
        {
            "area": area,
            "form": form,
            "current": current,
            "history": _history(versions, form),
            "legend": sanction_legend(),
        },
        status=status,
    )


# --- the ledger ----------------------------------------------------------------------------------
def _visible_sanctions(user):
    """Entries of the evaluations the user may see (they are proposed only at publication, so
    everyone in the area reads them)."""
    return Sanction.objects.filter(evaluation__in=Evaluation.objects.visible_to(user).values("pk"))


def _chain(entry) -> list:
    """The earlier entries of ``entry``'s chain, newest first (loaded with it: a chain is at most
    proposed → confirmed → applied/withdrawn)."""
    earlier, node = [], entry.supersedes
    while node is not None:
        earlier.append(node)
        node = node.supersedes
    return earlier


def _render_ledger(request, query: QueryDict, *, error=None, status=200):
    user = request.user
    form = SanctionFilterForm(query or None)
    heads = _visible_sanctions(user).filter(superseded_by__isnull=True)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["month"]:
            heads = heads.filter(month=data["month"].replace(day=1))
        if data["kind"]:
            heads = heads.filter(kind=data["kind"])
        if data["status"]:
            heads = heads.filter(status=data["status"])
    heads = heads.select_related(
        "area",
        "unit",
        "person",
        "evaluation",
        "created_by",
        "supersedes__created_by",
        "supersedes__supersedes__created_by",
    ).order_by("-month", "kind", "evaluation__number", "pk")
    page = Paginator(heads, SANCTIONS_PER_PAGE).get_page(query.get("page"))
    managed: dict[int, bool] = {}
    rows = []
    for entry in page:
        if entry.area_id not in managed:
            managed[entry.area_id] = actions.can_manage(user, entry.area)
        allowed = actions.NEXT_STATUS.get(entry.status, set())
        rows.append(
            {
                "entry": entry,
                "rule": rule_label(entry.rule),
                "earlier": _chain(entry),
                "moves": [(s, SanctionStatus(s).label) for s in MOVES if s in allowed]
                if managed[entry.area_id]
                else [],
            }
        )
    plain = query.copy()
    plain.pop("page", None)
    return render(
        request,
        "scoring/sanctions.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "error": error,
            "extra_query": plain.urlencode(),
            "query": plain.urlencode(),
        },
        status=status,
    )


@require_GET
def sanctions(request):
    """奖惩台账: each entry's current state, its earlier states below it; the office moves them."""
    return _render_ledger(request, request.GET)


@require_POST
def move_sanction(request, pk):
    """Carry a ledger entry to its next status (a new entry; the old one stays)."""
    user = request.user
    _office_area_or_403(user)
    get_object_or_404(_visible_sanctions(user), pk=pk)
    form = MoveSanctionForm(request.POST)
    query = QueryDict(request.POST.get("query", ""))
    if not form.is_valid():
        return _render_ledger(request, query, error=_("Choose what to do with the entry."), status=400)
    try:
        moved = actions.move_sanction(
            user, pk, form.cleaned_data["status"], form.cleaned_data["note"], request=request
        )
    except actions.ScoringError as exc:
        message, status = _refused(exc)
        return _render_ledger(request, query, error=message, status=status)
    messages.success(
        request,
        _("{target}: now “{status}”.").format(
            target=moved.unit.name if moved.unit_id else moved.person.display_name,
            status=moved.get_status_display(),
        ),
    )
    target = reverse("scoring:sanctions")
    return redirect(f"{target}?{query.urlencode()}" if query else target)
