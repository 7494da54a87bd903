"""The office's evaluation pages, through the client a person uses: it evaluates November 2026
in 示范县, reviews the draft, publishes it, corrects it with a reason, edits the rules and moves
the rewards and penalties along — and everyone else is refused or reads only what is published.

November in 示范县 (the office's extra inspections; problems it records):
  西门菜市场 (城关街道/西门社区)  4 Nov passes; 18 Nov fails its veto item  → the only failing point
  人民路 (县城管局, 城关街道)       10 Nov passes; 20 Nov −4
  东城公园 (东城街道)               12 and 13 Nov; 住建工地 (县住建局) 13 Nov; 东城广场 16 Nov
  人民路暴露垃圾   县城管局, fixed on time;  西门菜市场垃圾  城关街道, sent back once, fixed late
  东城公园私搭乱建 东城街道, still open at the month's end (overdue)
"""

import datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from chuangcheng.inspections.tests.conftest import insp, jpeg_upload, new_key  # noqa: F401  (fixture)
from chuangcheng.problems.choices import Action
from chuangcheng.problems.tests.conftest import at, jpeg, new_problem, prob, step  # noqa: F401  (fixture)
from chuangcheng.scoring import actions
from chuangcheng.scoring.choices import EvaluationStatus, SanctionKind, SanctionStatus
from chuangcheng.scoring.models import Evaluation, PointResult, Sanction, ScoringSettings
from chuangcheng.scoring.tests.conftest import visit

pytestmark = pytest.mark.django_db

NOVEMBER = datetime.date(2026, 11, 1)
AFTER_NOVEMBER = at(datetime.date(2026, 12, 3), 9)
RUN = "/scoring/run/"
SETTINGS = "/scoring/settings/"
LEDGER = "/scoring/sanctions/"


@pytest.fixture(autouse=True)
def _media(media_in_tmp):
    return media_in_tmp


def zh(message: str, **values) -> str:
    """The message as the (Chinese) page shows it."""
    with translation.override("zh-hans"):
        text = gettext(message)
    return text.format(**values) if values else text


def as_(user) -> Client:
    """A fresh browser signed in as ``user`` now (a session ends after 30 idle minutes)."""
    client = Client()
    client.force_login(user)
    return client


def build_november(world, insp, prob):  # noqa: F811
    pts, p, u = insp.pts, world.people, world.units
    day = datetime.date
    visit(world, insp, pts.gate, day(2026, 11, 4))
    visit(world, insp, pts.gate, day(2026, 11, 18), fails=[pts.item])
    visit(world, insp, pts.road_point, day(2026, 11, 10))
    visit(world, insp, pts.road_point, day(2026, 11, 20), fails=[insp.road_item])
    visit(world, insp, pts.park, day(2026, 11, 12))
    visit(world, insp, pts.park, day(2026, 11, 13))
    visit(world, insp, pts.site, day(2026, 11, 13))
    visit(world, insp, pts.square, day(2026, 11, 16))
    with time_machine.travel(at(day(2026, 11, 2), 9), tick=False):
        litter = new_problem(
            world, unit=u.department, category=prob.litter, point=pts.road_point, title="人民路暴露垃圾"
        )
        step(litter, Action.ACCEPT, p.department)
        step(litter, Action.SUBMIT, p.department, photos=[jpeg()])
        step(litter, Action.APPROVE, p.office)
        new_problem(world, unit=u.township2, category=prob.shack, point=pts.park, title="东城公园私搭乱建")
    with time_machine.travel(at(day(2026, 11, 3), 9), tick=False):
        market = new_problem(
            world, unit=u.township, category=prob.litter, point=pts.gate, title="西门菜市场垃圾"
        )
        step(market, Action.ACCEPT, p.township)
        step(market, Action.SUBMIT, p.township, photos=[jpeg()])
        step(market, Action.SEND_BACK, p.office, note="未清理干净")
    with time_machine.travel(at(day(2026, 11, 4), 9), tick=False):
        step(market, Action.SUBMIT, p.township, photos=[jpeg()])
        step(market, Action.APPROVE, p.office)


@pytest.fixture
def nov(world, insp, prob):  # noqa: F811
    build_november(world, insp, prob)
    return SimpleNamespace(pts=insp.pts)


@pytest.fixture
def after():
    """December the 3rd: November has ended."""
    with time_machine.travel(AFTER_NOVEMBER, tick=False):
        yield


def draft(world):
    return actions.run_month(world.people.office, world.units.county, NOVEMBER)


def published(world):
    return actions.publish(world.people.office, draft(world).pk)


def evaluation_url(evaluation):
    return reverse("scoring:evaluation", args=[evaluation.pk])


# --- the flow --------------------------------------------------------------------------------
def test_office_evaluates_last_month_reviews_the_draft_and_publishes_it(world, nov, after):
    office = as_(world.people.office)
    page = office.get(reverse("scoring:evaluations"))
    assert page.status_code == 200
    assert page.context["form"]["month"].value() == datetime.date(2026, 11, 1)  # last month by default
    assert b'type="month"' in page.content and b'value="2026-11"' in page.content

    response = office.post(RUN, {"month": "2026-11"})
    evaluation = Evaluation.objects.get()
    assert response.status_code == 302 and response["Location"] == evaluation_url(evaluation)
    assert (evaluation.status, evaluation.number, evaluation.month) == (EvaluationStatus.DRAFT, 1, NOVEMBER)
    assert evaluation.computed_by == world.people.office

    page = office.get(evaluation_url(evaluation))
    assert page.status_code == 200
    failing = page.context["failing"]
    assert [(r.failing_rank, r.point.name, r.months_failing) for r in failing] == [(1, "西门菜市场", 1)]
    assert "社区点长" in page.content.decode()  # the failing point's leader
    groups = {
        g["label"]: [(r.rank, r.unit.name, r.composite) for r in g["rows"]]
        for g in page.context["unit_groups"]
    }
    assert groups == {
        zh("Townships and streets"): [
            (1, "东城街道", pytest.approx(69)),
            (2, "城关街道", pytest.approx(45)),
        ],
        zh("Departments"): [(1, "县城管局", pytest.approx(100)), (None, "县住建局", pytest.approx(100))],
    }
    assert zh("Insufficient sample") in page.content.decode()
    assert page.context["verified"] is None and page.context["publish_form"] is not None
    assert not Sanction.objects.exists()  # proposed only at publication

    response = office.post(reverse("scoring:publish", args=[evaluation.pk]))
    assert response.status_code == 302 and response["Location"] == evaluation_url(evaluation)
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.PUBLISHED
    assert (evaluation.published_by, evaluation.published_at) == (world.people.office, AFTER_NOVEMBER)
    assert evaluation.verify()
    page = office.get(evaluation_url(evaluation))
    assert page.context["verified"] is True
    assert evaluation.content_hash in page.content.decode()
    assert sorted((s.rule, s.unit.name) for s in page.context["sanctions"]) == [
        ("top3", "东城街道"),
        ("top3", "县城管局"),
        ("top3", "城关街道"),
    ]
    listing = office.get(reverse("scoring:evaluations"))
    assert [(r["evaluation"].pk, r["verified"]) for r in listing.context["rows"]] == [(evaluation.pk, True)]


def test_publishing_twice_is_refused_and_changes_nothing(world, nov, after):
    evaluation = published(world)
    before = Evaluation.objects.values().get(pk=evaluation.pk)
    entries = Sanction.objects.count()
    response = as_(world.people.office).post(reverse("scoring:publish", args=[evaluation.pk]))
    assert response.status_code == 409
    assert response.context["error"] == zh("This evaluation is already published.")
    assert zh("This evaluation is already published.") in response.content.decode()
    assert Evaluation.objects.values().get(pk=evaluation.pk) == before
    assert Sanction.objects.count() == entries


def test_rerunning_a_draft_replaces_it(world, nov, after):
    first = draft(world)
    response = as_(world.people.office).post(reverse("scoring:rerun", args=[first.pk]))
    fresh = Evaluation.objects.get()
    assert fresh.pk != first.pk and (fresh.number, fresh.status) == (1, EvaluationStatus.DRAFT)
    assert response["Location"] == evaluation_url(fresh)


def test_a_correction_is_a_new_version_and_needs_a_reason(world, nov, after):
    first = published(world)
    office = as_(world.people.office)
    page = office.get(evaluation_url(first))
    assert page.context["can_correct"] is True
    response = office.post(reverse("scoring:rerun", args=[first.pk]))
    correction = Evaluation.objects.get(number=2)
    assert response["Location"] == evaluation_url(correction)
    assert (correction.status, correction.corrects) == (EvaluationStatus.DRAFT, first)
    page = office.get(evaluation_url(first))
    assert page.context["can_correct"] is False and page.context["draft"] == correction

    response = office.post(reverse("scoring:publish", args=[correction.pk]), {"reason": "  "})
    assert response.status_code == 400
    assert response.context["publish_form"].errors["reason"]
    correction.refresh_from_db()
    assert correction.status == EvaluationStatus.DRAFT and correction.reason == ""

    response = office.post(reverse("scoring:publish", args=[correction.pk]), {"reason": "补录11月20日督查"})
    assert response.status_code == 302
    correction.refresh_from_db()
    assert (correction.status, correction.reason) == (EvaluationStatus.PUBLISHED, "补录11月20日督查")
    first.refresh_from_db()
    assert first.status == EvaluationStatus.PUBLISHED and first.verify()  # both stay
    page = office.get(evaluation_url(correction))
    assert "补录11月20日督查" in page.content.decode() and page.context["corrected_by"] is None
    assert office.get(evaluation_url(first)).context["corrected_by"] == correction
    listing = office.get(reverse("scoring:evaluations"))
    assert [r["evaluation"].number for r in listing.context["rows"]] == [2, 1]


def test_the_hash_check_shows_a_direct_database_edit(world, nov, after):
    evaluation = published(world)
    PointResult.objects.filter(evaluation=evaluation, passed=False).update(mean_score=95)  # behind the model
    page = as_(world.people.office).get(evaluation_url(evaluation))
    assert page.context["verified"] is False
    assert "✗" in page.content.decode()


def test_evaluation_page_runs_a_fixed_number_of_queries(world, nov, after, django_assert_max_num_queries):
    evaluation = published(world)
    office = as_(world.people.office)
    office.get(evaluation_url(evaluation))  # warm the session
    # session, user, roles, the office's areas (3), the evaluation, failing points, the month's
    # versions, sanctions, the hash check (2), unit results, unread messages — whatever the rows
    with django_assert_max_num_queries(14):
        page = office.get(evaluation_url(evaluation))
    assert page.status_code == 200


# --- refusals --------------------------------------------------------------------------------
def test_a_month_not_yet_ended_is_refused_with_the_reason(world, nov):
    with time_machine.travel(at(datetime.date(2026, 11, 25), 9), tick=False):
        response = as_(world.people.office).post(RUN, {"month": "2026-11"})
    assert response.status_code == 400
    assert response.context["form"].errors["month"] == [
        zh("{month} has not ended yet; it can be evaluated from {day}.", month="2026-11", day="2026-12-01")
    ]
    assert not Evaluation.objects.exists()


def test_a_month_with_no_data_is_refused_with_the_reason(world, nov, after):
    response = as_(world.people.office).post(RUN, {"month": "2026-10"})
    assert response.status_code == 400
    message = zh("There is nothing to evaluate in {month}: no inspection and no problem.", month="2026-10")
    assert response.context["form"].errors["month"] == [message]
    assert message in response.content.decode()
    assert not Evaluation.objects.exists()


def test_a_month_that_is_not_a_month_is_refused(world, nov, after):
    response = as_(world.people.office).post(RUN, {"month": "2026-13"})
    assert response.status_code == 400
    assert response.context["form"].errors["month"] == [zh("Give a month as YYYY-MM, e.g. 2026-11.")]
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("persona", ["township", "department", "leader", "inspector"])
def test_a_non_office_cannot_run_publish_or_set_rules_and_sees_no_draft(world, nov, after, persona):
    evaluation = draft(world)
    client = as_(getattr(world.people, persona))
    assert client.post(RUN, {"month": "2026-11"}).status_code == 403
    assert client.post(reverse("scoring:publish", args=[evaluation.pk])).status_code == 403
    assert client.post(reverse("scoring:rerun", args=[evaluation.pk])).status_code == 403
    assert client.get(SETTINGS).status_code == 403
    assert client.post(SETTINGS, {"reason": "x"}).status_code == 403
    assert client.get(evaluation_url(evaluation)).status_code == 404
    listing = client.get(reverse("scoring:evaluations"))
    assert listing.context["rows"] == [] and listing.context["form"] is None
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.DRAFT
    assert Evaluation.objects.count() == 1 and not ScoringSettings.objects.exclude(version=1).exists()


def test_everyone_in_the_area_reads_a_published_month_but_cannot_act(world, nov, after):
    evaluation = published(world)
    township = as_(world.people.township)
    page = township.get(evaluation_url(evaluation))
    assert page.status_code == 200
    assert page.context["is_office"] is False and page.context["can_correct"] is False
    assert reverse("scoring:rerun", args=[evaluation.pk]) not in page.content.decode()
    assert township.post(reverse("scoring:rerun", args=[evaluation.pk])).status_code == 403
    assert Evaluation.objects.count() == 1


def test_another_countys_office_sees_nothing_of_it(world, nov, after):
    first = draft(world)
    outsider = as_(world.people.outsider)
    assert outsider.get(evaluation_url(first)).status_code == 404
    assert outsider.post(reverse("scoring:publish", args=[first.pk])).status_code == 404
    assert outsider.post(reverse("scoring:rerun", args=[first.pk])).status_code == 404
    evaluation = actions.publish(world.people.office, first.pk)
    assert outsider.get(evaluation_url(evaluation)).status_code == 404
    assert outsider.get(reverse("scoring:evaluations")).context["rows"] == []
    assert outsider.get(LEDGER).context["rows"] == []
    entry = Sanction.objects.first()
    response = outsider.post(reverse("scoring:move_sanction", args=[entry.pk]), {"status": "confirmed"})
    assert response.status_code == 404
    assert Sanction.objects.count() == 3


def test_the_city_office_sees_the_countys_draft(world, nov, after):
    evaluation = draft(world)
    assert as_(world.people.city).get(evaluation_url(evaluation)).status_code == 200


# --- the rules -------------------------------------------------------------------------------
def settings_post(**changes):
    data = {
        "pass_line": "90",
        "min_observations": "3",
        "points_weight": "50",
        "rectification_weight": "50",
        "closing_weight": "30",
        "on_time_weight": "30",
        "rework_weight": "30",
        "workload_weight": "10",
        "rebound_deduction": "2",
        "overdue_deduction": "1",
        "band_a": "90",
        "band_b": "75",
        "band_c": "60",
        "band_d": "40",
        "month_weights": "1,1,1,1,1,1,1,1,1,1,1,1",
        "sanctions": "top,praise,3,0\nbottom,deduction,3,2",
        "reason": "下调及格线",
    }
    data.update(changes)
    return data


def test_the_rules_form_shows_the_current_rules_without_saving_a_version(world):
    page = as_(world.people.office).get(SETTINGS)
    assert page.status_code == 200
    form = page.context["form"]
    assert (form["pass_line"].value(), form["min_observations"].value()) == ("90", 3)
    assert form["month_weights"].value() == "1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1"
    assert form["sanctions"].value().splitlines()[0] == "top,praise,3,0"
    assert not ScoringSettings.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"pass_line": "九十"}, "pass_line", None),  # Django's own "enter a number"
        ({"pass_line": "-5"}, "pass_line", "Give a number from 0 to 1000."),
        ({"band_b": "95"}, "band_a", "Bands must go down from A to D."),
        (
            {"points_weight": "0", "rectification_weight": "0"},
            "points_weight",
            "The weights cannot all be zero.",
        ),
        ({"min_observations": "-1"}, "min_observations", "Give a whole number, 0 or more."),
        ({"month_weights": "1,1,1"}, "month_weights", "Give twelve monthly weights, January first."),
        ({"month_weights": "1,1,1,1,1,1,1,1,1,1,1,x"}, "month_weights", "Give a number."),
        ({"reason": " "}, "reason", None),
    ],
)
def test_bad_rules_show_the_field_error_and_save_nothing(world, changes, field, message):
    response = as_(world.people.office).post(SETTINGS, settings_post(**changes))
    assert response.status_code == 400
    errors = response.context["form"].errors[field]
    if message is not None:
        assert errors == [zh(message)]
    assert errors[0] in response.content.decode()
    assert not ScoringSettings.objects.exists()


def test_a_bad_rewards_line_is_named_by_its_line_number(world):
    response = as_(world.people.office).post(
        SETTINGS,
        settings_post(
            sanctions="top,praise,3,0\n\nbest,praise,1,0\nbottom,penalty,3,2\nrebound,deduction,,0.5"
        ),
    )
    assert response.status_code == 400
    line = zh("Line {line}: {message}")
    assert response.context["form"].errors["sanctions"] == [
        line.format(line=3, message=zh("Unknown rule.")),
        line.format(line=4, message=zh("Unknown kind of reward or penalty.")),
    ]
    assert not ScoringSettings.objects.exists()
    response = as_(world.people.office).post(SETTINGS, settings_post(sanctions="top,praise,3,0\nrebound"))
    assert response.context["form"].errors["sanctions"] == [
        zh("Line {line}: write rule,kind,n,points.").format(line=2)
    ]
    assert not ScoringSettings.objects.exists()


def test_saving_the_rules_makes_a_new_version_with_its_reason(world, nov, after):
    evaluation = draft(world)  # made version 1, the defaults
    office = as_(world.people.office)
    response = office.post(
        SETTINGS, settings_post(pass_line="95", month_weights="1，1，1，1，1，1，1，1，1，1，2，2")
    )
    assert response.status_code == 302
    saved = ScoringSettings.objects.get(version=2)
    assert (saved.created_by, saved.reason) == (world.people.office, "下调及格线")
    rules = saved.rules
    assert str(rules.pass_line) == "95" and [str(w) for w in rules.month_weights[-3:]] == ["1", "2", "2"]
    assert [(r.rule, r.kind, r.n) for r in rules.sanctions] == [
        ("top", SanctionKind.PRAISE, 3),
        ("bottom", SanctionKind.DEDUCTION, 3),
    ]
    assert ScoringSettings.objects.get(version=1).data["pass_line"] == "90"  # the old version stays
    page = office.get(SETTINGS)
    history = page.context["history"]
    assert [row["settings"].version for row in history] == [2, 1]
    labels = [label for label, _old, _new in history[0]["changes"]]
    assert str(page.context["form"].fields["pass_line"].label) in [str(x) for x in labels]
    assert "下调及格线" in page.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.settings_version.version == 1  # the draft keeps the version it used


# --- the ledger ------------------------------------------------------------------------------
def test_moving_an_entry_makes_new_entries_and_the_old_ones_stay(world, nov, after):
    published(world)
    office = as_(world.people.office)
    entry = Sanction.objects.get(unit=world.units.township)
    page = office.get(LEDGER, {"month": "2026-11"})
    row = next(r for r in page.context["rows"] if r["entry"] == entry)
    assert [s for s, _label in row["moves"]] == [SanctionStatus.CONFIRMED, SanctionStatus.WITHDRAWN]

    response = office.post(
        reverse("scoring:move_sanction", args=[entry.pk]),
        {"status": "confirmed", "note": "领导小组会议确认", "query": "month=2026-11"},
    )
    assert response.status_code == 302 and response["Location"] == f"{LEDGER}?month=2026-11"
    confirmed = Sanction.objects.get(supersedes=entry)
    assert confirmed.status == SanctionStatus.CONFIRMED
    assert confirmed.evidence == entry.evidence + "\n领导小组会议确认"  # the reason stays, the note follows
    office.post(reverse("scoring:move_sanction", args=[confirmed.pk]), {"status": "applied"})
    applied = Sanction.objects.get(supersedes=confirmed)
    assert applied.status == SanctionStatus.APPLIED
    entry.refresh_from_db()
    confirmed.refresh_from_db()
    assert (entry.status, confirmed.status) == (SanctionStatus.PROPOSED, SanctionStatus.CONFIRMED)

    page = office.get(LEDGER)
    row = next(r for r in page.context["rows"] if r["entry"].unit == world.units.township)
    assert row["entry"] == applied and row["earlier"] == [confirmed, entry] and row["moves"] == []
    assert len(page.context["rows"]) == 3  # one row per chain
    assert [r["entry"] for r in office.get(LEDGER, {"status": "applied"}).context["rows"]] == [applied]
    assert office.get(LEDGER, {"status": "proposed", "month": "2026-10"}).context["rows"] == []

    # the superseded entry cannot be moved again
    response = office.post(reverse("scoring:move_sanction", args=[entry.pk]), {"status": "withdrawn"})
    assert response.status_code == 409
    assert response.context["error"] == zh("This entry has already been superseded; act on its newest entry.")
    # nor can an applied one be withdrawn
    response = office.post(reverse("scoring:move_sanction", args=[applied.pk]), {"status": "withdrawn"})
    assert response.status_code == 409
    assert Sanction.objects.count() == 5


def test_the_ledger_is_read_by_units_who_cannot_move_it(world, nov, after):
    published(world)
    township = as_(world.people.township)
    page = township.get(LEDGER)
    assert page.status_code == 200 and len(page.context["rows"]) == 3
    assert all(row["moves"] == [] for row in page.context["rows"])
    entry = Sanction.objects.first()
    response = township.post(reverse("scoring:move_sanction", args=[entry.pk]), {"status": "confirmed"})
    assert response.status_code == 403
    assert Sanction.objects.count() == 3


def test_the_header_shows_the_inputs_rules_and_cutoff_and_a_draft_proposes_nothing(world, nov, after):
    evaluation = draft(world)
    page = as_(world.people.office).get(evaluation_url(evaluation))
    # 8 inspections; 5 problems found in November (3 recorded, 2 from the failed inspections)
    assert page.context["counts"] == {"inspections": 8, "problems": 5, "points": 5, "units": 4}
    assert page.context["points_passed"] == 4
    html = page.content.decode()
    assert "2026-12-01 00:00" in html  # the cut-off, Beijing time
    assert f"v{evaluation.settings_version.version}" in html
    assert page.context["sanctions"] == [] and as_(world.people.office).get(LEDGER).context["rows"] == []


def test_the_menu_leads_the_office_and_leaders_to_the_evaluations(world):
    page = as_(world.people.office).get(SETTINGS)
    assert "evaluations" in [item.key for item in page.context["nav_items"]]
    assert page.context["nav_current"] == "evaluations"
    leader = as_(world.people.leader).get(LEDGER)
    assert "evaluations" in [item.key for item in leader.context["nav_items"]]
    township = as_(world.people.township).get(LEDGER)
    assert "evaluations" not in [item.key for item in township.context["nav_items"]]
