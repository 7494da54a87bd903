"""比拼亮分 over two published months of 示范县 — October and November 2026 — read back through the
pages: exact ranks, arrows, components, a unit's year and the weighted annual value; drafts never
show; another county sees nothing of this one; a city office sees its counties ranked.

The two months (office extra inspections at 10:00; settings: a unit needs 2 observations to be
ranked, November weighs 2 in the annual value, every other month 1):

                 October                           November
  西门菜市场     2 passes                          a pass; 18 Nov the veto item fails
  人民路         2 passes                          2 passes
  东城公园       15 Oct the road veto item fails   a pass
  东城广场       a pass                            a pass
  住建工地       16 Oct the road veto item fails   13 Nov fails again
  北门路 (new)   —                                 a pass (县市场监管局, in 城关街道)

The October failures open problems under embargo to 31 Oct, due 2 Nov 17:30: 东城街道 fixes
东城公园's on 2 Nov (on time); 县住建局 leaves 住建工地's open (overdue in November).

Expected (composite = (50 × points' pass rate + 50 × rectification) / 100 − 1 per overdue):
  territorial  October: 城关 100 (1), 东城 33.33 (2, band E)
               November: 东城 (66.67 + 100)/2 = 83.34 (1, ↑1), 城关 66.67 (2, ↓1)
  department   October: 城管局 100 (1); 住建局 one observation — insufficient sample
               November: 城管局 100 (1, —); 住建局 (0 + 40)/2 − 1 = 19 (2, new, band E);
                         县市场监管局 one observation — insufficient sample
  annual (Oct × 1 + Nov × 2) / 3: 城关 77.78, 东城 66.67; 城管局 100, 住建局 19 (November only)
"""

import datetime
import json
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine
from django.test import Client

from chuangcheng.indicators.tests.factories import CheckItemFactory
from chuangcheng.inspections import actions as inspections
from chuangcheng.inspections import photos as evidence
from chuangcheng.inspections.tests.conftest import insp, jpeg_upload, new_key  # noqa: F401  (fixture)
from chuangcheng.org.choices import UnitKind
from chuangcheng.org.tests.factories import OrgUnitFactory
from chuangcheng.points.tests.factories import PointFactory
from chuangcheng.problems.choices import Action
from chuangcheng.problems.models import Problem
from chuangcheng.problems.tests.conftest import at, jpeg, new_problem, prob, step  # noqa: F401  (fixture)
from chuangcheng.scoring import actions, league
from chuangcheng.scoring.choices import EvaluationStatus
from chuangcheng.scoring.models import Evaluation, UnitResult
from chuangcheng.scoring.rules import Rules

pytestmark = pytest.mark.django_db

OCTOBER, NOVEMBER = datetime.date(2026, 10, 1), datetime.date(2026, 11, 1)
AFTER = at(datetime.date(2026, 12, 3), 10)  # when the pages are read


def day(month: int, d: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return at(datetime.date(2026, month, d), hour, minute)


def visit(world, t, point, when, *, fail=False):
    """The office's extra inspection of ``point`` at ``when``, failing its veto item if asked."""
    market = point.point_type_id == t.insp.pts.market.pk
    items = (
        [t.insp.pts.item, t.insp.scale_item, t.insp.plain_item] if market else [t.insp.road_item, t.road_veto]
    )
    veto = t.insp.pts.item if market else t.road_veto
    answers, photos = [], {}
    for item in items:
        failed = fail and item == veto
        if item.scoring_mode == "status_scale":
            answers.append(inspections.Answer(item.pk, violations=0))
        else:
            answers.append(inspections.Answer(item.pk, outcome="fail" if failed else "pass"))
        if failed and item.photo_required_on_failure:
            photos[item.pk] = [jpeg_upload()]
    with time_machine.travel(when, tick=False):
        inspection, _ = inspections.submit(
            world.people.office,
            inspections.Submission(
                new_key(), answers, point_id=point.pk, photos=evidence.prepare_all(photos)
            ),
        )
    return inspection


def run_and_publish(user, area, month, when, reason=""):
    with time_machine.travel(when, tick=False):
        draft = actions.run_month(user, area, month)
        return actions.publish(user, draft.pk, reason=reason)


@pytest.fixture
def two_months(world, insp, prob, media_in_tmp):  # noqa: F811
    u, p, pts = world.units, world.people, insp.pts
    t = SimpleNamespace(insp=insp, prob=prob)
    t.road_veto = CheckItemFactory(
        point_type=pts.road,
        code="ZC-02",
        text="路面无塌陷",
        is_veto=True,
        photo_required_on_failure=False,
        sort_order=2,
    )
    t.market_bureau = OrgUnitFactory(name="县市场监管局", kind=UnitKind.DEPARTMENT, parent=u.county)
    t.north = PointFactory(
        code="P-NORTH",
        name="北门路",
        point_type=pts.road,
        responsible_unit=t.market_bureau,
        township=u.township,
        point_leader=p.road_leader,
    )
    with time_machine.travel(day(10, 1, 9), tick=False):
        data = {**Rules().to_data(), "min_observations": 2, "month_weights": ["1"] * 10 + ["2", "1"]}
        actions.save_settings(p.office, u.county, data, reason="年度考核：11月加倍")

    # October
    visit(world, t, pts.gate, day(10, 13))
    visit(world, t, pts.gate, day(10, 20))
    visit(world, t, pts.road_point, day(10, 14))
    visit(world, t, pts.road_point, day(10, 21))
    t.park_problem = Problem.objects.get(inspection=visit(world, t, pts.park, day(10, 15), fail=True))
    visit(world, t, pts.square, day(10, 16))
    t.site_problem = Problem.objects.get(inspection=visit(world, t, pts.site, day(10, 16), fail=True))
    t.october = run_and_publish(p.office, u.county, OCTOBER, day(11, 2, 8))

    # November: 东城街道 fixes its October problem on time; 县住建局 does not
    step(t.park_problem, Action.ACCEPT, p.neighbour, now=day(11, 2, 9))
    step(t.park_problem, Action.SUBMIT, p.neighbour, photos=[jpeg()], now=day(11, 2, 10))
    step(t.park_problem, Action.APPROVE, p.office, now=day(11, 2, 11))
    visit(world, t, pts.gate, day(11, 10))
    t.gate_failure = visit(world, t, pts.gate, day(11, 18), fail=True)
    visit(world, t, pts.road_point, day(11, 11))
    visit(world, t, pts.road_point, day(11, 19))
    visit(world, t, pts.park, day(11, 12))
    visit(world, t, pts.square, day(11, 12))
    visit(world, t, pts.site, day(11, 13), fail=True)
    visit(world, t, t.north, day(11, 13))
    # problems the office records at 西门菜市场 with photos, due in December: one to expose, one
    # not chosen, one a covert finding still secret
    deadline = day(12, 20, 17)
    t.exposed = new_problem(
        world,
        unit=u.community,
        point=pts.gate,
        title="西门菜市场门口垃圾堆放",
        photos=[jpeg("heap.jpg")],
        deadline=deadline,
        now=day(11, 20),
    )
    t.unchosen = new_problem(
        world,
        unit=u.community,
        point=pts.gate,
        title="西门菜市场占道经营",
        photos=[jpeg("stalls.jpg", colour=(20, 20, 200))],
        deadline=deadline,
        now=day(11, 21),
    )
    t.secret = new_problem(
        world,
        unit=u.community,
        point=pts.gate,
        title="西门菜市场暗访发现",
        photos=[jpeg("secret.jpg", colour=(200, 200, 20))],
        deadline=deadline,
        now=day(11, 22),
    )
    Problem.objects.filter(pk=t.secret.pk).update(embargo_until=datetime.date(2026, 12, 10))
    t.november = run_and_publish(p.office, u.county, NOVEMBER, day(12, 2, 8))
    return t


def phone(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def get(user, url, **params):
    with time_machine.travel(AFTER, tick=False):
        client = phone(user) if user is not None else Client()
        return client.get(url, params)


def table(response, group: str) -> dict[str, tuple]:
    """{unit name: (rank, change, places, composite, band)} of one peer group of the league page."""
    found = next(g for g in response.context["league"].groups if g.peer_group == group)
    rows = {}
    for row in found.ranked + found.insufficient:
        r = row.result
        rows[r.unit.name] = (r.rank, row.change, row.places, r.composite, r.band)
    return rows


# --- the league table -----------------------------------------------------------------------------
def test_november_ranks_arrows_and_components(world, two_months):
    response = get(world.people.township, "/scoring/league/")
    assert response.status_code == 200
    assert response.context["evaluation"] == two_months.november
    assert response.context["league"].previous == two_months.october
    assert table(response, "territorial") == {
        "东城街道": (1, "up", 1, Decimal("83.34"), "B"),
        "城关街道": (2, "down", 1, Decimal("66.67"), "C"),
    }
    assert table(response, "department") == {
        "县城管局": (1, "same", 0, Decimal("100.00"), "A"),
        "县住建局": (2, "new", 0, Decimal("19.00"), "E"),
        "县市场监管局": (None, "none", 0, Decimal("100.00"), ""),  # one observation: no rank, no band
    }
    groups = response.context["league"].groups
    assert [g.peer_group for g in groups] == ["territorial", "department"]
    assert [r.result.unit.name for r in groups[1].insufficient] == ["县市场监管局"]
    # each component of 东城街道: its points and its one problem, closed on time
    dongcheng = groups[0].ranked[0].result
    assert (
        dongcheng.point_pass_rate,
        dongcheng.closing_rate,
        dongcheng.on_time_rate,
        dongcheng.rework_rate,
        dongcheng.workload,
        dongcheng.rectification,
        dongcheng.rebounds,
        dongcheng.overdue,
    ) == (Decimal("66.67"), Decimal("100.00"), Decimal("100.00"), Decimal("0.00"), Decimal("100.00"),
          Decimal("100.00"), 0, 0)  # fmt: skip
    zhujian = groups[1].ranked[1].result
    assert (zhujian.problems, zhujian.closed, zhujian.overdue, zhujian.rectification) == (
        1,
        0,
        1,
        Decimal("40.00"),
    )
    html = response.content.decode()
    # arrows with a text for screen readers, colour by class
    assert re.search(
        r'"tag tag-met nowrap"><span aria-hidden="true">↑1</span><span class="visually-hidden">\S', html
    )
    assert re.search(
        r'"tag tag-unmet nowrap"><span aria-hidden="true">↓1</span><span class="visually-hidden">\S', html
    )
    # 县住建局 new, 县市场监管局 not ranked (each twice: its column, and under its name on a phone)
    assert html.count('<span class="tag tag-sample">') == 4
    # each unit links to its year
    assert f'href="/scoring/league/unit/{world.units.township.pk}/?year=2026"' in html
    # every component is a column
    row = re.search(rf'<tr data-unit="{world.units.department2.pk}">(.*?)</tr>', html, re.S).group(1)
    row = re.sub(r'<span class="visually-hidden">.*?</span>', "", row)
    cells = [re.sub(r"<[^>]+>|\s+", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells[0] == "2" and cells[2].startswith("县住建局")
    assert cells[3:] == ["19", "E", "0%", "0%", "0%", "0%", "100", "40", "0", "1"]


def test_october_has_nothing_to_compare_with(world, two_months):
    response = get(world.people.office, "/scoring/league/", month="2026-10")
    assert response.context["evaluation"] == two_months.october
    assert response.context["league"].previous is None
    assert table(response, "territorial") == {
        "城关街道": (1, "none", 0, Decimal("100.00"), "A"),
        "东城街道": (2, "none", 0, Decimal("33.33"), "E"),
    }
    assert table(response, "department") == {
        "县城管局": (1, "none", 0, Decimal("100.00"), "A"),
        "县住建局": (None, "none", 0, Decimal("0.00"), ""),
    }
    assert [m.isoformat() for m in response.context["months"]] == ["2026-11-01", "2026-10-01"]


def test_a_month_with_nothing_published_falls_back_to_the_latest_and_garbage_is_refused(world, two_months):
    response = get(world.people.office, "/scoring/league/", month="2026-09")
    assert response.context["evaluation"] == two_months.november
    assert response.context["missing_month"] == datetime.date(2026, 9, 1)
    assert get(world.people.office, "/scoring/league/", month="nonsense").status_code == 400


def test_the_league_table_reads_in_two_queries(world, two_months, django_assert_num_queries):
    # the previous month, the rows with their previous rank (one subquery), nothing per row
    with django_assert_num_queries(2):
        result = league.league(two_months.november)
        assert sum(len(g.ranked) + len(g.insufficient) for g in result.groups) == 5


# --- a unit's year and the annual roll-up ---------------------------------------------------------
def test_a_units_year_shows_its_ranks_the_chart_and_the_weighted_annual_value(world, two_months):
    response = get(world.people.township, f"/scoring/league/unit/{world.units.township.pk}/")
    assert response.status_code == 200
    history = response.context["history"]
    assert [(m.month.month, m.result.rank, m.ranked_of, m.result.composite, m.weight) for m in history] == [
        (10, 1, 2, Decimal("100.00"), Decimal("1")),
        (11, 2, 2, Decimal("66.67"), Decimal("2")),
    ]
    annual = response.context["annual"]
    assert (annual.annual, annual.rank, annual.months_counted) == (Decimal("77.78"), 1, 2)
    html = response.content.decode()
    chart = json.loads(
        re.search(r'<script id="unit-trend" type="application/json">(.*?)</script>', html).group(1)
    )
    assert chart["values"] == [None] * 9 + [100.0, 66.67, None]
    assert len(chart["labels"]) == 12
    assert 'data-source="unit-trend"' in html
    # no inline script (CSP): the only script elements load files or hold JSON
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag


def test_annual_roll_up_ranks_every_unit_within_its_peer_group(world, two_months):
    response = get(world.people.leader, "/scoring/annual/2026/")
    assert response.status_code == 200
    rollup = response.context["annual"]
    assert rollup.weights[9:11] == (Decimal("1"), Decimal("2"))
    assert rollup.months == [OCTOBER, NOVEMBER]
    got = {
        g.peer_group: [
            (r.unit.name, r.rank, r.annual, r.months_counted, r.months_evaluated)
            for r in g.ranked + g.unranked
        ]
        for g in rollup.groups
    }
    assert got == {
        "territorial": [
            ("城关街道", 1, Decimal("77.78"), 2, 2),  # (100 × 1 + 66.67 × 2) / 3
            ("东城街道", 2, Decimal("66.67"), 2, 2),  # (33.33 × 1 + 83.34 × 2) / 3
        ],
        "department": [
            ("县城管局", 1, Decimal("100.00"), 2, 2),
            ("县住建局", 2, Decimal("19.00"), 1, 2),  # October's thin sample is left out
            ("县市场监管局", None, None, 0, 1),
        ],
    }
    html = response.content.decode()
    assert '<td class="num"><strong>77.78</strong></td>' in html


# --- drafts and corrections -----------------------------------------------------------------------
def test_a_draft_never_shows_and_a_published_correction_replaces_its_month(world, two_months):
    p = world.people
    # a late-found road failure: the office reruns November — a draft correction
    visit(world, two_months, two_months.insp.pts.road_point, day(11, 25), fail=True)
    with time_machine.travel(day(12, 2, 9), tick=False):
        draft = actions.run_month(p.office, world.units.county, NOVEMBER)
    assert (draft.number, draft.status) == (2, EvaluationStatus.DRAFT)
    # 人民路 failed its veto item: 县城管局's one point failed the month
    assert UnitResult.objects.get(evaluation=draft, unit=world.units.department).composite == Decimal("0.00")
    for user in (p.office, p.township):
        response = get(user, "/scoring/league/")
        assert response.context["evaluation"] == two_months.november
        assert table(response, "department")["县城管局"][3] == Decimal("100.00")
        unit = get(user, f"/scoring/league/unit/{world.units.department.pk}/")
        assert [m.result.composite for m in unit.context["history"]] == [Decimal("100.00"), Decimal("100.00")]
        annual = get(user, "/scoring/annual/2026/").context["annual"]
        assert annual.row_for(world.units.department.pk).annual == Decimal("100.00")
    # published, the correction is November: version 2 replaces version 1 everywhere
    with time_machine.travel(day(12, 2, 10), tick=False):
        actions.publish(p.office, draft.pk, reason="补录人民路11月25日检查")
    response = get(p.township, "/scoring/league/")
    assert response.context["evaluation"].number == 2
    assert table(response, "department")["县城管局"] == (2, "down", 1, Decimal("0.00"), "E")
    annual = get(p.township, "/scoring/annual/2026/").context["annual"]
    # (100 × 1 + 0 × 2) / 3
    assert annual.row_for(world.units.department.pk).annual == Decimal("33.33")


def test_an_area_with_only_a_draft_has_no_league_table(world, two_months):
    Evaluation.objects.filter(pk__in=[two_months.october.pk, two_months.november.pk]).update(
        status=EvaluationStatus.DRAFT, number=99
    )
    response = get(world.people.office, "/scoring/league/")
    assert response.status_code == 200 and response.context["area"] is None
    assert get(world.people.office, f"/scoring/league/unit/{world.units.township.pk}/").status_code == 404


# --- who sees what --------------------------------------------------------------------------------
def test_another_countys_users_see_nothing_of_this_county(world, two_months):
    outsider, county = world.people.outsider, world.units.county
    response = get(outsider, "/scoring/league/")
    assert response.status_code == 200 and response.context["area"] is None
    assert "城关街道" not in response.content.decode()
    assert get(outsider, "/scoring/league/", area=county.pk).status_code == 404
    assert get(outsider, f"/scoring/league/unit/{world.units.township.pk}/").status_code == 404
    assert get(outsider, "/scoring/annual/2026/", area=county.pk).status_code == 404
    assert get(world.people.nobody, "/scoring/league/").context["area"] is None
    assert get(None, "/scoring/league/").status_code == 302  # sign in first


def test_a_city_office_sees_its_counties_ranked(world, two_months):
    city = world.people.city
    run_and_publish(city, world.units.city, NOVEMBER, day(12, 2, 11))
    response = get(city, "/scoring/league/")
    assert response.context["area"] == world.units.city
    assert [a.name for a in response.context["areas"]] == ["示范市", "示范县"]
    # 4 of 6 points passed; of 2 problems due, 1 closed on time, 1 overdue: rectification
    # 30 × 50 + 30 × 50 + 30 × 100 + 10 × 100 = 70; (66.67 + 70) / 2 − 1 = 67.34
    assert table(response, "county") == {"示范县": (1, "none", 0, Decimal("67.34"), "C")}
    # the county's own table is one pick away
    county = get(city, "/scoring/league/", area=world.units.county.pk)
    assert table(county, "territorial")["东城街道"][:3] == (1, "up", 1)
    # the county office sees the county first, the city's table on request
    office = get(world.people.office, "/scoring/league/")
    assert office.context["area"] == world.units.county
