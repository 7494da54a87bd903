"""The random draw (双随机): which inspector visits which point in which window.

This module is the documented, deterministic function ``draw(seed, pool, rules)`` that makes a
plan verifiable (docs/inspections.md, "The draw"). It knows nothing of the database: the
caller freezes the pool (points with their type, township, risk weight, conflicting inspectors
and last inspectors; the inspectors) and the rules into plain data, stores them with the plan,
and can re-run the draw from them at any later time — the same inputs give the same
assignments, on any machine and any Python version, because the only source of randomness is
:class:`DrawRandom` (SHA-256 in counter mode), not Python's ``random`` module.

Steps, in this order (each consumes the random stream in a fixed order):
1. slots: every (date, day part) of the rules' date ranges on the allowed weekdays;
2. sample: all pooled points, or ``sample_per_type`` points of each type, drawn by weight;
3. visits: each sampled point gets ``visits_per_point``; ``extra_visits`` more go to points
   drawn by weight (risk weighting), so every point still gets its minimum;
4. assignment: points are taken most-constrained first (fewest eligible inspectors, ties by a
   random key); each point's visits are spread over the period — the slots are cut into as many
   consecutive segments as the point has visits, one visit per segment, in a random slot of the
   segment that still has an inspector free — and each visit takes, among the eligible
   inspectors (no conflict of interest, under their caps, free in that window, not the
   inspector of the point's previous visit), one with the lowest load so far, at random among
   equals. A second inspector is taken the same way when visits need two.
If a visit cannot be placed, the whole draw is retried with the random stream continuing
(up to ``ATTEMPTS`` times); if no attempt succeeds the draw is infeasible and says where.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

ALGORITHM_VERSION = 1
ATTEMPTS = 5
DAY_PARTS = ("early", "morning", "afternoon", "evening")  # chronological order, as choices.DayPart


# --- inputs ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rules:
    date_ranges: tuple[tuple[date, date], ...]
    day_parts: tuple[str, ...] = ("morning", "afternoon")
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)  # Monday = 0
    visits_per_point: int = 1
    sample_per_type: int | None = None
    extra_visits: int = 0
    inspectors_per_visit: int = 1
    max_visits_per_inspector: int | None = None
    max_visits_per_slot: int = 4
    risk_weighting: bool = True

    def to_json(self) -> dict:
        data = asdict(self)
        data["date_ranges"] = [[a.isoformat(), b.isoformat()] for a, b in self.date_ranges]
        data["day_parts"] = list(self.day_parts)
        data["weekdays"] = list(self.weekdays)
        return data

    @classmethod
    def from_json(cls, data: dict) -> Rules:
        values = dict(data)
        values["date_ranges"] = tuple(
            (date.fromisoformat(a), date.fromisoformat(b)) for a, b in values["date_ranges"]
        )
        values["day_parts"] = tuple(values["day_parts"])
        values["weekdays"] = tuple(values["weekdays"])
        return cls(**values)


@dataclass(frozen=True)
class PoolPoint:
    id: int
    type_id: int
    township_id: int | None = None
    weight: int = 1  # risk weight, a positive integer
    blocked: tuple[int, ...] = ()  # inspectors who may not inspect it (own unit, paired unit)
    last_inspectors: tuple[int, ...] = ()  # who inspected it last, before this plan


@dataclass(frozen=True)
class Pool:
    points: tuple[PoolPoint, ...]
    inspectors: tuple[int, ...]

    def to_json(self) -> dict:
        return {
            "points": [
                {**asdict(p), "blocked": sorted(p.blocked), "last_inspectors": sorted(p.last_inspectors)}
                for p in sorted(self.points, key=lambda p: p.id)
            ],
            "inspectors": sorted(self.inspectors),
        }

    @classmethod
    def from_json(cls, data: dict) -> Pool:
        return cls(
            points=tuple(
                PoolPoint(
                    id=p["id"],
                    type_id=p["type_id"],
                    township_id=p.get("township_id"),
                    weight=p.get("weight", 1),
                    blocked=tuple(p.get("blocked", ())),
                    last_inspectors=tuple(p.get("last_inspectors", ())),
                )
                for p in data["points"]
            ),
            inspectors=tuple(data["inspectors"]),
        )


def canonical_json(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def digest(pool: Pool, rules: Rules) -> str:
    """SHA-256 of the frozen inputs, shown with the plan: the pool and rules cannot change unseen."""
    return hashlib.sha256(canonical_json({"pool": pool.to_json(), "rules": rules.to_json()})).hexdigest()


def commitment(seed_hex: str) -> str:
    """The published commitment of a secret seed: SHA-256 of its bytes, in hex."""
    return hashlib.sha256(bytes.fromhex(seed_hex)).hexdigest()


# --- randomness ------------------------------------------------------------------------------------
class DrawRandom:
    """Deterministic random integers: SHA-256(seed ‖ "|" ‖ inputs digest ‖ "|" ‖ counter), each
    32-byte block read as four big-endian 64-bit integers, used by rejection sampling."""

    def __init__(self, seed_hex: str, inputs_digest: str):
        self._prefix = bytes.fromhex(seed_hex) + b"|" + inputs_digest.encode() + b"|"
        self._counter = 0
        self._buffer: list[int] = []

    def _next64(self) -> int:
        if not self._buffer:
            block = hashlib.sha256(self._prefix + self._counter.to_bytes(8, "big")).digest()
            self._counter += 1
            self._buffer = [int.from_bytes(block[i : i + 8], "big") for i in range(24, -1, -8)]
        return self._buffer.pop()

    def below(self, n: int) -> int:
        """A uniform integer in [0, n)."""
        if n <= 0:
            raise ValueError("n must be positive")
        limit = (1 << 64) - ((1 << 64) % n)
        while True:
            value = self._next64()
            if value < limit:
                return value % n

    def shuffle(self, items: list) -> None:
        for i in range(len(items) - 1, 0, -1):
            j = self.below(i + 1)
            items[i], items[j] = items[j], items[i]

    def weighted_index(self, weights: list[int]) -> int:
        target = self.below(sum(weights))
        for index, weight in enumerate(weights):
            if target < weight:
                return index
            target -= weight
        raise AssertionError("unreachable")


# --- outputs ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DrawnVisit:
    point_id: int
    day: date
    day_part: str
    inspectors: tuple[int, ...]

    @property
    def key(self):
        return (self.point_id, self.day, self.day_part, self.inspectors)


@dataclass(frozen=True)
class Shortfall:
    """Why a draw is infeasible: a constraint (``code``), what it concerns and how short it is."""

    code: str
    needed: int = 0
    available: int = 0
    subject: int | None = None  # a point or point-type id, by code
    detail: dict = field(default_factory=dict)


class Infeasible(Exception):
    def __init__(self, shortfalls: list[Shortfall]):
        super().__init__(", ".join(s.code for s in shortfalls))
        self.shortfalls = shortfalls


# --- the draw --------------------------------------------------------------------------------------
def slots_for(rules: Rules) -> list[tuple[date, str]]:
    days: set[date] = set()
    for start, end in rules.date_ranges:
        day = start
        while day <= end:
            if day.weekday() in rules.weekdays:
                days.add(day)
            day += timedelta(days=1)
    parts = [p for p in DAY_PARTS if p in rules.day_parts]
    return [(day, part) for day in sorted(days) for part in parts]


def check(pool: Pool, rules: Rules) -> list[Shortfall]:
    """The constraints that cannot be met whatever the random stream says (checked first)."""
    found: list[Shortfall] = []
    slots = slots_for(rules)
    inspectors = set(pool.inspectors)
    if not pool.points:
        found.append(Shortfall("no_points", needed=1))
    if not inspectors:
        found.append(Shortfall("no_inspectors", needed=rules.inspectors_per_visit))
    if not slots:
        found.append(Shortfall("no_slots", needed=1))
    if rules.visits_per_point < 1 and not rules.extra_visits:
        found.append(Shortfall("no_visits", needed=1))
    if found:
        return found
    ipv = rules.inspectors_per_visit
    if len(inspectors) < ipv:
        return [Shortfall("too_few_inspectors", needed=ipv, available=len(inspectors))]
    if rules.sample_per_type:
        by_type: dict[int, int] = {}
        for p in pool.points:
            by_type[p.type_id] = by_type.get(p.type_id, 0) + 1
        for type_id, count in sorted(by_type.items()):
            if count < rules.sample_per_type:
                found.append(
                    Shortfall("type_quota", needed=rules.sample_per_type, available=count, subject=type_id)
                )
        sampled = sum(min(c, rules.sample_per_type) for c in by_type.values())
    else:
        sampled = len(pool.points)
    most_visits = rules.visits_per_point + rules.extra_visits
    if rules.visits_per_point > len(slots):
        found.append(Shortfall("windows", needed=rules.visits_per_point, available=len(slots)))
    spacing = ipv * (2 if most_visits > 1 else 1)
    for p in sorted(pool.points, key=lambda p: p.id):
        eligible = len(inspectors - set(p.blocked))
        if eligible < ipv:
            found.append(
                Shortfall("conflicts", needed=ipv, available=eligible, subject=p.id, detail={"blocked": True})
            )
        elif rules.visits_per_point > 1 and eligible < spacing:
            found.append(Shortfall("spacing", needed=spacing, available=eligible, subject=p.id))
    needed = (sampled * rules.visits_per_point + rules.extra_visits) * ipv
    if rules.max_visits_per_inspector is not None:
        capacity = len(inspectors) * rules.max_visits_per_inspector
        if needed > capacity:
            found.append(Shortfall("inspector_capacity", needed=needed, available=capacity))
    slot_capacity = len(inspectors) * len(slots) * rules.max_visits_per_slot
    if needed > slot_capacity:
        found.append(Shortfall("slot_capacity", needed=needed, available=slot_capacity))
    return found


def draw(seed_hex: str, pool: Pool, rules: Rules) -> list[DrawnVisit]:
    """The assignments for (seed, pool, rules); raises :class:`Infeasible` with the reasons."""
    problems = check(pool, rules)
    if problems:
        raise Infeasible(problems)
    rng = DrawRandom(seed_hex, digest(pool, rules))
    last_failure: Shortfall | None = None
    for _attempt in range(ATTEMPTS):
        try:
            return _attempt_draw(rng, pool, rules)
        except _Stuck as stuck:
            last_failure = stuck.shortfall
    raise Infeasible([last_failure])


class _Stuck(Exception):
    def __init__(self, shortfall: Shortfall):
        self.shortfall = shortfall


def _sample(rng: DrawRandom, points: list[PoolPoint], rules: Rules) -> list[PoolPoint]:
    if not rules.sample_per_type:
        return points
    chosen: list[PoolPoint] = []
    for type_id in sorted({p.type_id for p in points}):
        candidates = [p for p in points if p.type_id == type_id]
        for _ in range(min(rules.sample_per_type, len(candidates))):
            weights = [p.weight if rules.risk_weighting else 1 for p in candidates]
            chosen.append(candidates.pop(rng.weighted_index(weights)))
    return sorted(chosen, key=lambda p: p.id)


def _attempt_draw(rng: DrawRandom, pool: Pool, rules: Rules) -> list[DrawnVisit]:
    slots = slots_for(rules)
    points = _sample(rng, sorted(pool.points, key=lambda p: p.id), rules)
    counts = {p.id: rules.visits_per_point for p in points}
    weights = [max(1, p.weight) if rules.risk_weighting else 1 for p in points]
    for _ in range(rules.extra_visits):
        point = points[rng.weighted_index(weights)]
        if counts[point.id] < len(slots):
            counts[point.id] += 1
    inspectors = sorted(set(pool.inspectors))
    load = dict.fromkeys(inspectors, 0)
    slot_load: dict[tuple[int, int], int] = {}
    tiebreak = {p.id: rng.below(1 << 32) for p in points}
    order = sorted(points, key=lambda p: (len(set(inspectors) - set(p.blocked)), tiebreak[p.id]))
    cap = rules.max_visits_per_inspector
    visits: list[DrawnVisit] = []
    for point in order:
        eligible = [i for i in inspectors if i not in set(point.blocked)]
        previous: tuple[int, ...] = tuple(point.last_inspectors)
        count = counts[point.id]
        for segment in range(count):
            lo = segment * len(slots) // count
            hi = max(lo + 1, (segment + 1) * len(slots) // count)
            candidates_slots = list(range(lo, hi))
            rng.shuffle(candidates_slots)
            placed = None
            for slot_index in candidates_slots:
                free = [
                    i
                    for i in eligible
                    if (cap is None or load[i] < cap)
                    and slot_load.get((i, slot_index), 0) < rules.max_visits_per_slot
                    and i not in previous
                ]
                if len(free) < rules.inspectors_per_visit:
                    continue
                chosen: list[int] = []
                for _ in range(rules.inspectors_per_visit):
                    lowest = min(load[i] for i in free)
                    tied = [i for i in free if load[i] == lowest]
                    pick = tied[rng.below(len(tied))]
                    chosen.append(pick)
                    free.remove(pick)
                    load[pick] += 1
                    slot_load[(pick, slot_index)] = slot_load.get((pick, slot_index), 0) + 1
                placed = (slot_index, tuple(chosen))
                break
            if placed is None:
                raise _Stuck(
                    Shortfall(
                        "unplaced",
                        needed=rules.inspectors_per_visit,
                        available=0,
                        subject=point.id,
                        detail={
                            "visit": segment + 1,
                            "eligible": len(eligible),
                            "from": slots[lo][0].isoformat(),
                            "to": slots[hi - 1][0].isoformat(),
                        },
                    )
                )
            slot_index, chosen_inspectors = placed
            day, part = slots[slot_index]
            visits.append(DrawnVisit(point.id, day, part, chosen_inspectors))
            previous = chosen_inspectors
    visits.sort(key=lambda v: (v.day, DAY_PARTS.index(v.day_part), v.point_id))
    return visits
