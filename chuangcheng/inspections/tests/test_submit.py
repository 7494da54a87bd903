"""Submitting an inspection: once per client key, only within the window, scored, with photos."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from chuangcheng.inspections import actions, photos
from chuangcheng.inspections.choices import AssignmentStatus, InspectionKind
from chuangcheng.inspections.models import EvidencePhoto, Inspection, ItemResult
from chuangcheng.inspections.tests.conftest import answers_all_pass, jpeg_upload, new_key, plan_input

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture
def gate_assignment(world, insp):
    with time_machine.travel(datetime.datetime(2026, 11, 30, 9, 0, tzinfo=TZ)):
        plan = actions.create_plan(world.people.office, plan_input(world, insp))
    return plan.assignments.select_related("inspector").get(point=insp.pts.gate)


def _market_items(insp):
    return [insp.pts.item, insp.scale_item, insp.plain_item]


def _in_window(assignment, minutes=30):
    return assignment.window_start + datetime.timedelta(minutes=minutes)


def test_a_retried_submission_gives_one_inspection(world, insp, gate_assignment):
    a = gate_assignment
    key = new_key()
    answers = answers_all_pass(_market_items(insp))
    answers[0] = actions.Answer(insp.pts.item.pk, outcome="fail")
    evidence = photos.prepare_all({insp.pts.item.pk: [jpeg_upload()]})
    data = actions.Submission(client_key=key, assignment_id=a.pk, answers=answers, photos=evidence)
    with time_machine.travel(_in_window(a)):
        first, created = actions.submit(a.inspector, data)
        again, created_again = actions.submit(a.inspector, data)
    assert created and not created_again and first.pk == again.pk
    assert Inspection.objects.count() == 1 and EvidencePhoto.objects.count() == 1
    a.refresh_from_db()
    assert a.status == AssignmentStatus.DONE
    # NM-01 is a veto item: failing it fails the point whatever the score
    assert first.veto_failed and not first.passed and first.kind == InspectionKind.COVERT
    assert first.embargo_until == datetime.date(2026, 12, 31)
    result = ItemResult.objects.get(inspection=first, check_item=insp.pts.item)
    assert set(result.indicators.values_list("code", flat=True)) == {"3.2.1", "3.2.2"}


def test_status_scale_sets_the_share_lost_and_the_score(world, insp, gate_assignment):
    a = gate_assignment
    answers = [
        actions.Answer(insp.pts.item.pk, outcome="pass"),
        actions.Answer(insp.scale_item.pk, violations=3),  # C: keeps 33 % of 10 points
        actions.Answer(insp.plain_item.pk, outcome="fail"),  # −5, no photo needed
    ]
    with time_machine.travel(_in_window(a)):
        inspection, _ = actions.submit(
            a.inspector, actions.Submission(client_key=new_key(), assignment_id=a.pk, answers=answers)
        )
    assert inspection.points_lost == Decimal("11.70") and inspection.score == Decimal("88.30")
    assert not inspection.passed and not inspection.veto_failed and inspection.failed_items == 2
    assert inspection.results.get(check_item=insp.scale_item).status == "C"


@pytest.mark.parametrize(
    ("offset", "code"),
    # covert: before its window the assignment does not exist for its inspector (no time is named)
    [(datetime.timedelta(hours=-2), "not_yours"), (datetime.timedelta(days=3), "closed")],
)
def test_outside_the_window_is_refused(world, insp, gate_assignment, offset, code):
    a = gate_assignment
    data = actions.Submission(
        client_key=new_key(), assignment_id=a.pk, answers=answers_all_pass(_market_items(insp))
    )
    with time_machine.travel(a.window_start + offset), pytest.raises(actions.ActionError) as caught:
        actions.submit(a.inspector, data)
    assert caught.value.code == code
    assert not Inspection.objects.exists()


def test_someone_elses_assignment_is_refused(world, insp, gate_assignment):
    a = gate_assignment
    other = next(i for i in insp.inspectors if i.pk not in a.inspector_ids)
    data = actions.Submission(
        client_key=new_key(), assignment_id=a.pk, answers=answers_all_pass(_market_items(insp))
    )
    with time_machine.travel(_in_window(a)), pytest.raises(actions.ActionError) as caught:
        actions.submit(other, data)
    assert caught.value.code == "not_yours"


def test_done_assignment_refuses_a_second_different_submission(world, insp, gate_assignment):
    a = gate_assignment
    with time_machine.travel(_in_window(a)):
        actions.submit(
            a.inspector,
            actions.Submission(new_key(), answers_all_pass(_market_items(insp)), assignment_id=a.pk),
        )
        with pytest.raises(actions.ActionError) as caught:
            actions.submit(
                a.inspector,
                actions.Submission(new_key(), answers_all_pass(_market_items(insp)), assignment_id=a.pk),
            )
    assert caught.value.code == "done"


def test_bad_answers_are_all_listed_and_nothing_is_saved(world, insp, gate_assignment):
    a = gate_assignment
    answers = [
        actions.Answer(insp.pts.item.pk, outcome="fail"),  # photo required
        actions.Answer(insp.road_item.pk, outcome="pass"),  # not on the market's checklist
    ]
    with time_machine.travel(_in_window(a)), pytest.raises(actions.ActionError) as caught:
        actions.submit(a.inspector, actions.Submission(new_key(), answers, assignment_id=a.pk))
    text = " ".join(caught.value.messages)
    assert "ZC-01" in text or str(insp.road_item.pk) in text
    assert "NM-02" in text and "NM-03" in text  # not answered
    assert "NM-01" in text  # photo required
    assert not Inspection.objects.exists()


def test_phone_clock_skew_is_measured_and_corrected(world, insp, gate_assignment):
    a = gate_assignment
    now = _in_window(a, 60)
    data = actions.Submission(
        new_key(),
        answers_all_pass(_market_items(insp)),
        assignment_id=a.pk,
        started_at=now + datetime.timedelta(minutes=50),  # phone is 1 h fast; started 10 min ago
        device_now=now + datetime.timedelta(hours=1),
    )
    with time_machine.travel(now):
        inspection, _ = actions.submit(a.inspector, data)
    assert inspection.clock_skew_seconds == 3600
    assert abs((inspection.started_at - (now - datetime.timedelta(minutes=10))).total_seconds()) < 2


def test_office_extra_inspection_and_unit_self_inspection(world, insp):
    p, pts = world.people, insp.pts
    extra, _ = actions.submit(
        p.office, actions.Submission(new_key(), answers_all_pass(_market_items(insp)), point_id=pts.gate.pk)
    )
    assert extra.kind == InspectionKind.EXTRA and extra.is_covert
    own, _ = actions.submit(
        p.pointleader,
        actions.Submission(new_key(), answers_all_pass(_market_items(insp)), point_id=pts.gate.pk),
    )
    assert own.kind == InspectionKind.SELF and not own.is_covert and not own.counts_as_covert_result
    with pytest.raises(actions.ActionError):
        actions.submit(
            p.neighbour,
            actions.Submission(new_key(), answers_all_pass(_market_items(insp)), point_id=pts.gate.pk),
        )
    with pytest.raises(actions.ActionError):
        actions.submit(
            p.inspector,
            actions.Submission(new_key(), answers_all_pass(_market_items(insp)), point_id=pts.gate.pk),
        )


def test_a_covert_assignment_before_its_window_is_refused_like_someone_elses(world, insp, gate_assignment):
    a = gate_assignment
    data = actions.Submission(new_key(), answers_all_pass(_market_items(insp)), assignment_id=a.pk)
    with (
        time_machine.travel(a.window_start - datetime.timedelta(days=2)),
        pytest.raises(actions.ActionError) as caught,
    ):
        actions.submit(a.inspector, data)
    assert caught.value.code == "not_yours" and caught.value.http_status == 404
    assert "开始" not in str(caught.value) and ":" not in str(caught.value)  # no time is named


def test_a_key_reused_for_another_inspection_is_refused_not_answered_with_the_first(
    world, insp, gate_assignment
):
    p, a = world.people, gate_assignment
    key = new_key()
    with time_machine.travel(_in_window(a)):
        actions.submit(
            p.office,
            actions.Submission(key, answers_all_pass(_market_items(insp)), point_id=insp.pts.gate.pk),
        )
        with pytest.raises(actions.ActionError) as caught:
            actions.submit(
                p.office,
                actions.Submission(key, answers_all_pass([insp.road_item]), point_id=insp.pts.road_point.pk),
            )
    assert caught.value.code == "key_reused" and caught.value.http_status == 422
    assert Inspection.objects.count() == 1


def test_a_phone_clock_a_year_wrong_is_refused_with_a_clear_reason(world, insp, gate_assignment):
    a = gate_assignment
    now = _in_window(a)
    data = actions.Submission(
        new_key(),
        answers_all_pass(_market_items(insp)),
        assignment_id=a.pk,
        device_now=now + datetime.timedelta(days=400),
    )
    with time_machine.travel(now), pytest.raises(actions.ActionError) as caught:
        actions.submit(a.inspector, data)
    assert caught.value.code == "clock"
    assert not Inspection.objects.exists()


def test_photos_for_an_item_of_another_checklist_are_refused(world, insp, gate_assignment):
    a = gate_assignment
    evidence = photos.prepare_all({insp.road_item.pk: [jpeg_upload()]})
    data = actions.Submission(
        new_key(), answers_all_pass(_market_items(insp)), assignment_id=a.pk, photos=evidence
    )
    with time_machine.travel(_in_window(a)), pytest.raises(actions.ActionError) as caught:
        actions.submit(a.inspector, data)
    assert "ZC" in " ".join(caught.value.messages) or str(insp.road_item.pk) in " ".join(
        caught.value.messages
    )
    assert not Inspection.objects.exists()
