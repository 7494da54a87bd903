"""曝光台: the public board of the latest published month (the November of test_league.py), the
office's choice of problems, and what must never be public — an unchosen problem's photo, a
covert finding still under embargo, an inspector, a reporter, a phone number."""

import datetime
import re

import pytest
import time_machine

from chuangcheng.core.models import AuditLog
from chuangcheng.inspections.models import EvidencePhoto
from chuangcheng.inspections.tests.conftest import insp  # noqa: F401  (fixture)
from chuangcheng.problems.choices import Action, ProblemStatus
from chuangcheng.problems.models import Problem
from chuangcheng.problems.tests.conftest import at, covert_failure, jpeg, prob, step  # noqa: F401  (fixture)
from chuangcheng.scoring import actions, exposure
from chuangcheng.scoring.models import ExposedProblem
from chuangcheng.scoring.tests import test_league
from chuangcheng.scoring.tests.test_league import AFTER, NOVEMBER, day, phone, visit

two_months = test_league.two_months  # the fixture: October and November published

pytestmark = pytest.mark.django_db

BOARD = "/scoring/exposure/"


def choose(user, problem, month="2026-11", when=AFTER, **extra):
    with time_machine.travel(when, tick=False):
        return phone(user).post("/scoring/exposure/choose/", {"problem": problem.pk, "month": month, **extra})


def board(area, when=AFTER):
    with time_machine.travel(when, tick=False):
        from django.test import Client

        return Client().get(BOARD, {"area": area.pk})


def photo_url(photo, variant="display"):
    return f"/scoring/exposure/photos/{photo.pk}/{variant}/"


def anonymous(url, when=AFTER):
    with time_machine.travel(when, tick=False):
        from django.test import Client

        return Client().get(url)


def test_the_public_board_shows_the_chosen_problem_with_its_photo_and_nothing_else(world, two_months):
    t, p, county = two_months, world.people, world.units.county
    # personal data that must never reach the board
    type(p.pointleader).objects.filter(pk__in=[p.pointleader.pk, p.office.pk]).update(phone="13812345678")
    note = "市场门口垃圾堆放多日，请西门社区立即清理"
    assert choose(p.office, t.exposed, note=note).status_code == 302
    # an exposure of a covert finding still secret (as if made before its embargo was set)
    ExposedProblem.objects.create(
        area=county, month=NOVEMBER, problem=t.secret, chosen_by=p.office, chosen_at=AFTER
    )

    response = board(county)  # no sign-in
    assert response.status_code == 200
    result = response.context["board"]
    assert result.evaluation == t.november
    # failing units: band E of November (县住建局, 19); 县市场监管局 is not ranked, not exposed
    assert [(r.unit.name, str(r.composite)) for r in result.failing_units] == [("县住建局", "19.00")]
    # failing points, worst mean first, with their unit and point leader (a public duty)
    assert [
        (r.failing_rank, r.point.name, r.responsible_unit.name, r.point_leader.full_name, str(r.mean_score))
        for r in result.failing_points
    ] == [
        (1, "住建工地", "县住建局", "住建科员", "98.00"),
        (2, "西门菜市场", "西门社区", "社区点长", "99.00"),
    ]
    assert [e.problem for e in result.exposed] == [t.exposed]
    html = response.content.decode()
    assert t.exposed.title in html and note in html
    assert t.unchosen.title not in html and t.secret.title not in html
    # no inspector, no office clerk who chose it, no reporter, no phone, no description
    for secret in ("督查员甲", "办公室干部", p.office.username, "138", "市场东门", t.exposed.code):
        assert secret not in html
    # the chosen problem's photo, through the public photo view only
    photo = t.exposed.photos.get()
    assert photo_url(photo, "thumb") in html and photo_url(photo) in html
    assert f"/problems/photos/{photo.pk}/" not in html
    shown = anonymous(photo_url(photo))
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert shown["X-Content-Type-Options"] == "nosniff"
    with photo.image.open("rb") as stored:
        assert b"".join(shown.streaming_content) == stored.read()
    assert anonymous(photo_url(photo, "thumb")).status_code == 200
    assert anonymous(photo_url(photo, "original")).status_code == 404
    # any other photo id answers 404: the unchosen one, the secret one, evidence photos
    for other in (t.unchosen.photos.get(), t.secret.photos.get()):
        for variant in ("display", "thumb"):
            assert anonymous(photo_url(other, variant)).status_code == 404
    for evidence_photo in EvidencePhoto.objects.all():
        assert anonymous(photo_url(evidence_photo)).status_code == 404
    # and the problems' own photo view still wants a sign-in
    assert anonymous(f"/problems/photos/{photo.pk}/display/").status_code == 302


def test_the_board_lists_the_counties_and_refuses_what_it_does_not_have(world, two_months):
    with time_machine.travel(AFTER, tick=False):
        from django.test import Client

        client = Client()
        only = client.get(BOARD)  # one county with a published month: its board at once
        assert only.status_code == 200 and only.context["board"].evaluation == two_months.november
        assert client.get(BOARD, {"area": world.units.other_county.pk}).status_code == 404
        assert client.get(BOARD, {"area": "x"}).status_code == 404


def test_a_draft_never_reaches_the_board(world, two_months):
    # a late 人民路 failure, rerun: the draft has 人民路 failing and 县城管局 in band E
    visit(world, two_months, two_months.insp.pts.road_point, day(11, 25), fail=True)
    with time_machine.travel(day(12, 2, 9), tick=False):
        draft = actions.run_month(world.people.office, world.units.county, NOVEMBER)
    assert draft.unit_results.filter(unit=world.units.department, band="E").exists()
    result = board(world.units.county).context["board"]
    assert result.evaluation == two_months.november
    assert [r.unit.name for r in result.failing_units] == ["县住建局"]
    assert [r.point.name for r in result.failing_points] == ["住建工地", "西门菜市场"]


def test_a_failing_point_stays_off_the_board_while_its_covert_inspection_is_secret(world, two_months):
    p = world.people
    # a covert plan running to 10 December visits 西门菜市场 on 27 November; November is corrected
    inspection = covert_failure(
        world,
        two_months.insp,
        datetime.date(2026, 11, 25),
        datetime.date(2026, 12, 10),
        datetime.date(2026, 11, 27),
        inspector=p.inspector,
    )
    assert inspection.embargo_until == datetime.date(2026, 12, 10)
    # the correction of November waits for the covert visit's secrecy to end: until then the
    # board still shows the version published before, without the market
    with time_machine.travel(day(12, 2, 9), tick=False), pytest.raises(actions.ScoringError):
        actions.run_month(p.office, world.units.county, NOVEMBER)
    during = board(world.units.county, when=day(12, 2, 10)).context["board"]
    assert [r.point.name for r in during.failing_points] == ["住建工地"]
    with time_machine.travel(day(12, 11, 9), tick=False):
        draft = actions.run_month(p.office, world.units.county, NOVEMBER)
        actions.publish(p.office, draft.pk, reason="补录暗访")
    after = board(world.units.county, when=day(12, 11, 10)).context["board"]
    assert [r.point.name for r in after.failing_points] == ["住建工地", "西门菜市场"]
    assert "督查员甲" not in board(world.units.county, when=day(12, 11, 10)).content.decode()


def test_a_problem_rectified_since_leaves_the_board_and_its_photo_with_it(world, two_months):
    t, p = two_months, world.people
    assert choose(p.office, t.exposed).status_code == 302
    photo = t.exposed.photos.get()
    assert anonymous(photo_url(photo)).status_code == 200
    step(t.exposed, Action.ACCEPT, p.pointleader, now=day(12, 3, 11))
    step(t.exposed, Action.SUBMIT, p.pointleader, photos=[jpeg()], now=day(12, 3, 12))
    step(t.exposed, Action.APPROVE, p.office, now=day(12, 3, 13))
    later = day(12, 3, 14)
    assert board(world.units.county, when=later).context["board"].exposed == []
    assert anonymous(photo_url(photo), when=later).status_code == 404


# --- the office's choice --------------------------------------------------------------------------
def test_the_office_chooses_and_withdraws_on_the_manage_page(world, two_months):
    t, p = two_months, world.people
    with time_machine.travel(AFTER, tick=False):
        client = phone(p.office)
        page = client.get("/scoring/exposure/manage/")
        assert page.status_code == 200 and page.context["evaluation"] == t.november
        rows = page.context["rows"]
        # open problems at the failing points (西门菜市场, 住建工地), none still secret
        assert {r.title for r in rows} == {
            t.exposed.title,
            t.unchosen.title,
            "市场内无暴露垃圾",  # the 18 November failure at 西门菜市场 (its embargo ended 30 Nov)
            "路面无塌陷",  # 住建工地, October's (overdue) and November's
        }
        assert len(rows) == 5 and t.secret.pk not in {r.pk for r in rows}
        saved = client.post(
            "/scoring/exposure/manage/?month=2026-11",
            {"problem": [t.exposed.pk, t.unchosen.pk], f"note-{t.exposed.pk}": "请立即整改"},
        )
        assert saved.status_code == 302
        assert set(ExposedProblem.objects.values_list("problem_id", "note")) == {
            (t.exposed.pk, "请立即整改"),
            (t.unchosen.pk, ""),
        }
        client.post(
            "/scoring/exposure/manage/?month=2026-11",
            {"problem": [t.exposed.pk], f"note-{t.exposed.pk}": "请立即整改"},
        )
    assert list(ExposedProblem.objects.values_list("problem_id", flat=True)) == [t.exposed.pk]
    logged = AuditLog.objects.filter(object_type="scoring.exposedproblem").values_list("action", flat=True)
    assert sorted(logged) == ["create", "create", "delete"]


def test_choosing_refuses_a_secret_or_rectified_problem_and_an_unevaluated_month(world, two_months):
    t, office = two_months, world.people.office
    park = Problem.objects.get(pk=t.park_problem.pk)
    assert park.status == ProblemStatus.CLOSED
    assert choose(office, t.secret).status_code == 409
    assert choose(office, park).status_code == 409
    assert choose(office, t.exposed, month="2026-09").status_code == 400
    assert choose(office, t.exposed, month="nonsense").status_code == 400
    with time_machine.travel(AFTER, tick=False):
        missing = phone(office).post("/scoring/exposure/choose/", {"problem": 999, "month": "2026-11"})
    assert missing.status_code == 404
    assert not ExposedProblem.objects.exists()


def test_a_unit_or_another_countys_office_cannot_choose(world, two_months):
    t, p = two_months, world.people
    for user in (p.township, p.pointleader, p.department, p.leader, p.outsider):
        assert choose(user, t.exposed).status_code == 403
    for user in (p.township, p.pointleader, p.department, p.leader):
        with time_machine.travel(AFTER, tick=False):
            assert phone(user).get("/scoring/exposure/manage/").status_code == 403
    # 东岭县's office manages its own board, where nothing of 示范县 is
    with time_machine.travel(AFTER, tick=False):
        own = phone(p.outsider).get("/scoring/exposure/manage/")
    assert own.status_code == 200 and own.context["area"] == world.units.other_county
    assert own.context["evaluation"] is None and t.exposed.title not in own.content.decode()
    with time_machine.travel(AFTER, tick=False):
        assert (
            phone(p.township).post("/scoring/exposure/manage/", {"problem": [t.exposed.pk]}).status_code
            == 403
        )
    assert not ExposedProblem.objects.exists()
    # removing is the office's too
    assert choose(p.office, t.exposed).status_code == 302
    assert choose(p.township, t.exposed, action="remove").status_code == 403
    assert ExposedProblem.objects.count() == 1
    assert choose(p.office, t.exposed, action="remove").status_code == 302
    assert not ExposedProblem.objects.exists()


def test_choose_returns_to_a_local_page_only(world, two_months):
    t, office = two_months, world.people.office
    back = choose(office, t.exposed, next=f"/scoring/{t.november.pk}/")
    assert back["Location"] == f"/scoring/{t.november.pk}/"
    away = choose(office, t.unchosen, next="https://evil.example/")
    assert away["Location"] == "/scoring/exposure/manage/?month=2026-11"
    assert re.match(r"^/", away["Location"])


def test_the_board_reads_in_a_fixed_number_of_queries(world, two_months, django_assert_num_queries):
    t, p, county = two_months, world.people, world.units.county
    for problem in (t.exposed, t.unchosen):
        assert choose(p.office, problem).status_code == 302
    # the evaluation, failing units, secret points, failing points, exposures, their photos
    with time_machine.travel(AFTER, tick=False), django_assert_num_queries(6):
        result = exposure.board(county)
    assert [e.problem for e in result.exposed] == [t.exposed, t.unchosen]
    assert [len(e.problem.public_photos) for e in result.exposed] == [1, 1]
