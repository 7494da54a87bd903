"""The draw is a deterministic function of (seed, pool, rules) and respects every rule."""

import datetime
import itertools
from collections import Counter

import pytest

from chuangcheng.inspections import draw
from chuangcheng.inspections.draw import DrawRandom, Infeasible, Pool, PoolPoint, Rules

SEED = "ab" * 32


def rules(**extra):
    return Rules(date_ranges=((datetime.date(2026, 12, 1), datetime.date(2026, 12, 31)),), **extra)


def pool(points=30, inspectors=6, types=3, blocked=None):
    blocked = blocked or {}
    return Pool(
        points=tuple(
            PoolPoint(
                id=i, type_id=100 + i % types, township_id=200 + i % 4, blocked=tuple(blocked.get(i, ()))
            )
            for i in range(1, points + 1)
        ),
        inspectors=tuple(range(1000, 1000 + inspectors)),
    )


def test_same_inputs_same_draw_and_different_seed_different_draw():
    first = draw.draw(SEED, pool(), rules())
    again = draw.draw(SEED, pool(), rules())
    other = draw.draw("cd" * 32, pool(), rules())
    assert [v.key for v in first] == [v.key for v in again]
    assert [v.key for v in first] != [v.key for v in other]


def test_the_random_stream_is_pinned():
    """The documented generator: these numbers must never change, or old plans stop verifying."""
    rng = DrawRandom(SEED, "0" * 64)
    # first block: SHA-256(seed ‖ "|" ‖ digest ‖ "|" ‖ 0 as 8 bytes) = 59c019fde801a615…
    assert [rng.below(1000) for _ in range(5)] == [709, 798, 823, 554, 309]


def test_every_point_gets_its_minimum_and_extras_follow_risk():
    heavy = Pool(
        points=tuple(PoolPoint(id=i, type_id=1, weight=10 if i == 1 else 1) for i in range(1, 11)),
        inspectors=(1, 2, 3, 4),
    )
    visits = draw.draw(SEED, heavy, rules(visits_per_point=1, extra_visits=40))
    counts = Counter(v.point_id for v in visits)
    assert set(counts) == set(range(1, 11)) and min(counts.values()) >= 1
    assert counts[1] == max(counts.values())  # the risky point is drawn most
    assert len(visits) == 10 + 40


def test_conflicts_are_never_drawn():
    blocked = dict.fromkeys(range(1, 31), (1000, 1001))
    visits = draw.draw(SEED, pool(blocked=blocked), rules(visits_per_point=2))
    assert not any(set(v.inspectors) & {1000, 1001} for v in visits)


def test_no_inspector_at_the_same_point_twice_in_a_row():
    visits = draw.draw(SEED, pool(points=10, inspectors=3), rules(visits_per_point=4))
    by_point: dict[int, list] = {}
    for v in visits:
        by_point.setdefault(v.point_id, []).append(v)
    for point_visits in by_point.values():
        point_visits.sort(key=lambda v: (v.day, draw.DAY_PARTS.index(v.day_part)))
        for a, b in itertools.pairwise(point_visits):
            assert a.inspectors != b.inspectors
        assert len({(v.day, v.day_part) for v in point_visits}) == len(point_visits)


def test_last_inspector_before_the_plan_does_not_open_it():
    p = Pool(points=(PoolPoint(id=1, type_id=1, last_inspectors=(7,)),), inspectors=(7, 8))
    for seed in ("01" * 32, "02" * 32, "03" * 32):
        assert draw.draw(seed, p, rules())[0].inspectors == (8,)


def test_two_inspectors_per_visit_are_different_people():
    visits = draw.draw(SEED, pool(), rules(inspectors_per_visit=2))
    assert all(len(set(v.inspectors)) == 2 for v in visits)


def test_windows_weekdays_and_day_parts_are_respected():
    r = rules(weekdays=(0, 1, 2, 3, 4), day_parts=("evening",), visits_per_point=2)
    visits = draw.draw(SEED, pool(), r)
    assert all(v.day.weekday() < 5 and v.day_part == "evening" for v in visits)


def test_load_is_balanced_and_caps_hold():
    visits = draw.draw(
        SEED, pool(points=60, inspectors=6), rules(visits_per_point=2, max_visits_per_inspector=25)
    )
    load = Counter(i for v in visits for i in v.inspectors)
    assert max(load.values()) <= 25 and max(load.values()) - min(load.values()) <= 2


def test_sample_per_type_takes_that_many_of_each_type():
    visits = draw.draw(SEED, pool(points=30, types=3), rules(sample_per_type=4))
    drawn_points = {v.point_id for v in visits}
    assert Counter(100 + p % 3 for p in drawn_points) == {100: 4, 101: 4, 102: 4}


@pytest.mark.parametrize(
    ("pool_", "rules_", "code"),
    [
        (pool(points=0), rules(), "no_points"),
        (pool(inspectors=0), rules(), "no_inspectors"),
        (pool(inspectors=1), rules(inspectors_per_visit=2), "too_few_inspectors"),
        (
            pool(),
            Rules(date_ranges=((datetime.date(2026, 12, 5), datetime.date(2026, 12, 6)),), weekdays=(0,)),
            "no_slots",
        ),
        (pool(points=5, types=1), rules(sample_per_type=6), "type_quota"),
        (pool(blocked={3: tuple(range(1000, 1006))}), rules(), "conflicts"),
        (pool(blocked={3: tuple(range(1000, 1005))}), rules(visits_per_point=2), "spacing"),
        (pool(points=30, inspectors=2), rules(max_visits_per_inspector=10), "inspector_capacity"),
        (
            pool(),
            rules(inspectors_per_visit=2, max_visits_per_inspector=4, visits_per_point=1),
            "inspector_capacity",
        ),
    ],
)
def test_infeasible_rules_say_which_constraint_and_how_short(pool_, rules_, code):
    with pytest.raises(Infeasible) as caught:
        draw.draw(SEED, pool_, rules_)
    found = {s.code: s for s in caught.value.shortfalls}
    assert code in found
    if code == "inspector_capacity":
        assert found[code].needed > found[code].available


def test_inputs_round_trip_through_json_and_keep_their_digest():
    p, r = pool(blocked={1: (1000,)}), rules(extra_visits=3, day_parts=("morning", "evening"))
    assert Pool.from_json(p.to_json()) == p
    assert Rules.from_json(r.to_json()) == r
    assert draw.digest(Pool.from_json(p.to_json()), Rules.from_json(r.to_json())) == draw.digest(p, r)
