"""组织与人员: the city, 示范县 and 东岭县, their people and roles, pairings (结对联创) and visits (督战)."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.files.storage import storages
from django.db import transaction

from chuangcheng.demo import names as N
from chuangcheng.demo.builders.base import Step
from chuangcheng.demo.context import CAMPAIGN_START, DemoContext
from chuangcheng.org.choices import Role, UnitKind
from chuangcheng.org.models import OrgUnit, Pairing, RoleAssignment, User, Visit, VisitPhoto
from chuangcheng.utils.pinyin import pinyin_key

VISITS_FROM = date(2026, 3, 5)
VISITS_UNTIL = date(2026, 10, 31)
PAIRING_NOTE = "2026年度结对联创"

# Where a post sits in its unit; decides the unit's principal, leader in charge and full-time staff.
PRINCIPAL, DEPUTY, STAFF, MEMBER = "principal", "deputy", "staff", "member"


@dataclass
class Post:
    """A seat in a unit that one demo person fills, with the roles that person holds."""

    unit: OrgUnit
    job_title: str
    position: str = MEMBER
    roles: list[tuple[str, OrgUnit]] = field(default_factory=list)  # (role, unit where held)
    login: str = ""  # a demo login's fixed username
    user: User | None = None

    def add_role(self, role: str, unit: OrgUnit | None = None) -> None:
        held = (role, unit or self.unit)
        if held not in self.roles:
            self.roles.append(held)


def _posts(ctx: DemoContext) -> list[Post]:
    return ctx.extra["org.posts"]


# --- step 1: units ----------------------------------------------------------------------------


def _unit(ctx: DemoContext, name: str, kind: str, parent=None, short_name: str = "", sort_order: int = 0):
    if name in ctx.units_by_name:
        raise ValueError(f"demo unit name used twice: {name}")
    # one by one: save() computes the materialised path, which needs the row's id
    unit = OrgUnit.objects.create(
        name=name, kind=kind, parent=parent, short_name=short_name, sort_order=sort_order
    )
    ctx.units_by_name[name] = unit
    return unit


def build_units(ctx: DemoContext) -> str:
    ctx.city = _unit(ctx, N.CITY, UnitKind.CITY)
    _unit(ctx, N.CITY_OFFICE, UnitKind.CAMPAIGN_OFFICE, ctx.city, "市创城办", 10)

    county = ctx.county = _unit(ctx, N.COUNTY, UnitKind.COUNTY, ctx.city, sort_order=20)
    ctx.leading_group = _unit(ctx, N.LEADING_GROUP, UnitKind.LEADING_GROUP, county, "领导小组", 10)
    ctx.campaign_office = _unit(ctx, N.CAMPAIGN_OFFICE, UnitKind.CAMPAIGN_OFFICE, county, "创城办", 20)
    for i, (name, short_name, _key, _departments) in enumerate(N.TASK_FORCES):
        _unit(ctx, name, UnitKind.TASK_FORCE, county, short_name, 30 + i)
    communities_by_township: dict[str, list[str]] = {}
    for i, (name, kind, communities) in enumerate(N.TOWNSHIPS):
        township = _unit(ctx, name, kind, county, sort_order=100 + i)
        for j, community in enumerate(communities):
            _unit(ctx, community, UnitKind.COMMUNITY, township, sort_order=j + 1)
        communities_by_township[name] = list(communities)
    for i, (name, short_name, *_titles) in enumerate(N.DEPARTMENTS):
        _unit(ctx, name, UnitKind.DEPARTMENT, county, short_name, 200 + i)
    ctx.extra["org.communities_by_township"] = communities_by_township

    other = ctx.other_county = _unit(ctx, N.OTHER_COUNTY, UnitKind.COUNTY, ctx.city, sort_order=30)
    _unit(ctx, N.OTHER_OFFICE, UnitKind.CAMPAIGN_OFFICE, other, "创城办", 20)
    for i, (name, kind, communities) in enumerate(N.OTHER_TOWNSHIPS):
        township = _unit(ctx, name, kind, other, sort_order=100 + i)
        for j, community in enumerate(communities):
            _unit(ctx, community, UnitKind.COMMUNITY, township, sort_order=j + 1)
    for i, (name, _title) in enumerate(N.OTHER_DEPARTMENTS):
        _unit(ctx, name, UnitKind.DEPARTMENT, other, sort_order=200 + i)

    in_county = sum(1 for u in ctx.units_by_name.values() if u.path.startswith(county.path))
    return f"{len(ctx.units_by_name)} 个单位（示范县 {in_county} 个）"


# --- step 2: people ---------------------------------------------------------------------------


def _plan_posts(ctx: DemoContext) -> list[Post]:
    """Every seat to fill, in a fixed order (the order names are drawn in)."""
    unit = ctx.units_by_name
    posts: list[Post] = []

    def post(unit_name, job_title, position=MEMBER, roles=(), login=""):
        p = Post(unit[unit_name], job_title, position, login=login)
        for role in roles:
            p.add_role(role)
        posts.append(p)
        return p

    city_principal, city_staff = N.CITY_OFFICE_POSTS
    post(N.CITY_OFFICE, city_principal, PRINCIPAL, [Role.CITY_OFFICE])
    post(N.CITY_OFFICE, city_staff, STAFF, [Role.CITY_OFFICE], login="city")

    deputies_seen = 0
    for job_title, place, _key in N.LEADERS:
        if place == "head":
            position = PRINCIPAL if not any(p.unit == ctx.leading_group for p in posts) else MEMBER
            post(N.LEADING_GROUP, job_title, position, [Role.LEADER])
        else:
            deputies_seen += 1
            first = deputies_seen == 1  # 常务副县长: leads the daily work, the `leader` login
            post(
                N.LEADING_GROUP,
                job_title,
                DEPUTY if first else MEMBER,
                [Role.LEADER],
                "leader" if first else "",
            )

    for job_title, place in N.OFFICE_POSTS:
        position, *also = place.split("+")
        roles = [Role.OFFICE] + [Role.INSPECTOR for extra in also if extra == "inspector"]
        post(N.CAMPAIGN_OFFICE, job_title, position, roles, "office" if position == PRINCIPAL else "")
    post(N.CAMPAIGN_OFFICE, N.OFFICE_INSPECTOR_TITLE, MEMBER, [Role.INSPECTOR], login="inspector")

    for name, kind, communities in N.TOWNSHIPS:
        if kind == UnitKind.STREET:
            principal, deputy, clerk = N.STREET_POSTS
        elif name.endswith("乡"):
            principal, deputy, clerk = N.XIANG_POSTS
        else:
            principal, deputy, clerk = N.TOWN_POSTS
        post(name, principal, PRINCIPAL, [Role.UNIT_STAFF])
        post(name, deputy, DEPUTY, [Role.UNIT_STAFF])
        post(name, clerk, STAFF, [Role.UNIT_ADMIN], "township" if name == "城关街道" else "")
        for community in communities:
            if community.endswith("村"):
                title = N.VILLAGE_PRINCIPAL
            elif kind == UnitKind.STREET:
                title = N.STREET_COMMUNITY_PRINCIPAL
            else:
                title = N.TOWN_COMMUNITY_PRINCIPAL
            post(community, title, PRINCIPAL)
            if community in N.GRID_WORKER_COMMUNITIES:
                is_login = community == N.GRID_WORKER_COMMUNITIES[0]
                roles = [Role.POINT_LEADER] if is_login else []
                post(community, N.GRID_WORKER, STAFF, roles, "pointleader" if is_login else "")

    oversight = {(unit_name, title): login for unit_name, title, login in N.OVERSIGHT_POSTS}
    for name, _short_name, principal, deputy, staff_titles in N.DEPARTMENTS:
        post(name, principal, PRINCIPAL, [Role.UNIT_STAFF])
        if deputy:
            post(name, deputy, DEPUTY, [Role.UNIT_STAFF])
        for i, title in enumerate(staff_titles):
            if (name, title) in oversight:
                # the discipline and organisation departments' overseers hold only OVERSIGHT
                post(name, title, STAFF, [Role.OVERSIGHT], oversight[(name, title)])
            else:
                login = "department" if name == "县城市管理局" and i == 0 else ""
                post(name, title, STAFF, [Role.UNIT_ADMIN if i == 0 else Role.UNIT_STAFF], login)
        for unit_name, title, login in N.LOGIN_POSTS:
            if unit_name == name:
                post(name, title, MEMBER, [], login)

    other_principal, other_staff = N.OTHER_OFFICE_POSTS
    post(N.OTHER_OFFICE, other_principal, PRINCIPAL, [Role.OFFICE])
    post(N.OTHER_OFFICE, other_staff, STAFF, [Role.OFFICE])
    for name, _kind, communities in N.OTHER_TOWNSHIPS:
        title = N.XIANG_POSTS[0] if name.endswith("乡") else N.TOWN_POSTS[0]
        post(name, title, PRINCIPAL, [Role.UNIT_ADMIN])
        for community in communities:
            post(
                community,
                N.VILLAGE_PRINCIPAL if community.endswith("村") else N.TOWN_COMMUNITY_PRINCIPAL,
                PRINCIPAL,
            )
    for name, title in N.OTHER_DEPARTMENTS:
        post(name, title, PRINCIPAL, [Role.UNIT_ADMIN])
    return posts


def _person(ctx: DemoContext, username: str, full_name: str, **fields) -> User:
    # bulk_create skips User.save(), which fills name_pinyin: fill it here the same way
    return User(
        username=username,
        password=ctx.password_hash,
        full_name=full_name,
        name_pinyin=pinyin_key(full_name),
        phone=ctx.names.mobile(),
        **fields,
    )


def build_people(ctx: DemoContext) -> str:
    posts = ctx.extra["org.posts"] = _plan_posts(ctx)
    admin_name = ctx.names.full_name()
    users = [_person(ctx, "admin", admin_name, job_title="系统管理员", is_staff=True, is_superuser=True)]
    for post in posts:
        full_name = ctx.names.full_name()
        post.user = _person(
            ctx,
            post.login or ctx.names.username(full_name),
            full_name,
            unit=post.unit,
            job_title=post.job_title,
        )
        users.append(post.user)
    User.objects.bulk_create(users)
    ctx.people_by_username = {user.username: user for user in users}
    ctx.leaders = [post.user for post in posts if post.unit == ctx.leading_group]

    by_unit: dict[int, list[Post]] = {}
    for post in posts:
        by_unit.setdefault(post.unit.pk, []).append(post)
    units, staff_links = [], []
    for unit in ctx.units_by_name.values():
        members = by_unit.get(unit.pk)
        if not members:
            continue  # task forces: their members belong to their home departments (roles step)
        principal = next((p for p in members if p.position == PRINCIPAL), members[0])
        deputy = next((p for p in members if p.position == DEPUTY), principal)
        full_time = [p for p in members if p.position == STAFF][:2] or (
            [principal] if len(members) == 1 else []
        )
        unit.principal, unit.leader_in_charge = principal.user, deputy.user
        units.append(unit)
        staff_links += [OrgUnit.full_time_staff.through(orgunit=unit, user=p.user) for p in full_time]
    OrgUnit.objects.bulk_update(units, ["principal", "leader_in_charge"])
    OrgUnit.full_time_staff.through.objects.bulk_create(staff_links)

    in_county = sum(1 for p in posts if p.unit.path.startswith(ctx.county.path))
    return f"{len(users)} 人（示范县 {in_county} 人）"


# --- step 3: roles ----------------------------------------------------------------------------


def build_roles(ctx: DemoContext) -> str:
    rng, unit = ctx.rng, ctx.units_by_name
    posts = _posts(ctx)
    leader_by_key = {key: ctx.leaders[i] for i, (_title, _place, key) in enumerate(N.LEADERS) if key}

    def department_posts(name):
        return [p for p in posts if p.unit.name == name]

    def plain(p: Post) -> bool:
        """Not the unit's head, not a demo login, not an overseer: free to take on more roles."""
        return p.position != PRINCIPAL and not p.login and all(role != Role.OVERSIGHT for role, _u in p.roles)

    busy: set[int] = set()  # id() of posts already given a cross-unit role, to spread them out

    # 专班: the lead department's head runs it with a colleague as its full-time staff, plus one
    # person from each cooperating department; all of them stay members of their departments
    task_forces, force_links = [], []
    for name, _short_name, key, departments in N.TASK_FORCES:
        task_force = unit[name]
        lead = department_posts(departments[0])
        colleague = next((p for p in lead if p.login == "taskforce"), None) or rng.choice(
            [p for p in lead if plain(p)]
        )
        members = [lead[0], colleague]
        for department in departments[1:]:
            candidates = [p for p in department_posts(department) if plain(p) and id(p) not in busy]
            members.append(rng.choice(candidates) if candidates else department_posts(department)[0])
        for p in members:
            p.add_role(Role.TASK_FORCE, task_force)
            busy.add(id(p))
        task_force.principal, task_force.leader_in_charge = members[0].user, leader_by_key[key]
        task_forces.append(task_force)
        force_links.append(OrgUnit.full_time_staff.through(orgunit=task_force, user=colleague.user))
    OrgUnit.objects.bulk_update(task_forces, ["principal", "leader_in_charge"])
    OrgUnit.full_time_staff.through.objects.bulk_create(force_links)

    # 督查员: office staff and the `inspector` login hold it already; 8 more seconded from departments
    department_names = [d[0] for d in N.DEPARTMENTS if d[0] not in N.UNPAIRED_DEPARTMENTS]
    seconded = [
        p for name in department_names for p in department_posts(name) if plain(p) and id(p) not in busy
    ]
    for p in rng.sample(seconded, 8):
        p.add_role(Role.INSPECTOR, ctx.campaign_office)
        busy.add(id(p))

    # 点长: at their own unit — community heads, township deputies and departments that own points
    communities = [
        p
        for p in posts
        if p.unit.kind == UnitKind.COMMUNITY and p.unit.path.startswith(ctx.county.path) and not p.login
    ]
    township_deputies = [
        p for p in posts if p.unit.kind in (UnitKind.TOWNSHIP, UnitKind.STREET) and p.position == DEPUTY
    ]
    point_staff = [
        p for name in N.POINT_DEPARTMENTS for p in department_posts(name) if plain(p) and id(p) not in busy
    ]
    chosen = rng.sample(communities, 13) + rng.sample(township_deputies, 3)
    chosen += rng.sample(point_staff, min(3, len(point_staff)))
    for p in chosen:
        p.add_role(Role.POINT_LEADER)

    assignments = [
        RoleAssignment(user=p.user, unit=held_at, role=role) for p in posts for role, held_at in p.roles
    ]
    RoleAssignment.objects.bulk_create(assignments)
    counts = Counter(a.role for a in assignments)
    detail = "、".join(f"{label} {counts[role]}" for role, label in _ROLE_LABELS if counts[role])
    return f"{len(assignments)} 项（{detail}）"


_ROLE_LABELS = [
    (Role.LEADER, "领导小组"),
    (Role.OFFICE, "创城办"),
    (Role.TASK_FORCE, "专班"),
    (Role.UNIT_ADMIN, "单位管理员"),
    (Role.UNIT_STAFF, "单位人员"),
    (Role.POINT_LEADER, "点长"),
    (Role.INSPECTOR, "督查员"),
    (Role.OVERSIGHT, "监督"),
    (Role.CITY_OFFICE, "市创城办"),
]


# --- step 4: pairings -------------------------------------------------------------------------


def build_pairings(ctx: DemoContext) -> str:
    """Each county leader is paired with 2–4 units; every township and street has a leader."""
    rng, unit = ctx.rng, ctx.units_by_name
    townships = [unit[name] for name, _kind, _c in N.TOWNSHIPS]
    departments = [unit[d[0]] for d in N.DEPARTMENTS if d[0] not in N.UNPAIRED_DEPARTMENTS]
    # the `leader` login gets the units of the `township` and `department` logins, so the demo connects
    leader_login = ctx.people_by_username["leader"]
    fixed = [unit["城关街道"], unit["县城市管理局"]]

    counts = [rng.randint(2, 4) for _ in ctx.leaders]
    while sum(counts) > len(townships) + len(departments):
        counts[rng.choice([i for i, n in enumerate(counts) if n > 2])] -= 1
    free_townships = [u for u in townships if u not in fixed]
    free_departments = [u for u in departments if u not in fixed]
    drawn = free_townships + rng.sample(free_departments, sum(counts) - len(fixed) - len(free_townships))
    rng.shuffle(drawn)

    pairings = []
    for leader, count in zip(ctx.leaders, counts, strict=True):
        if leader == leader_login:
            mine = fixed + drawn[: count - len(fixed)]
            drawn = drawn[count - len(fixed) :]
        else:
            mine, drawn = drawn[:count], drawn[count:]
        pairings += [
            Pairing(leader=leader, unit=u, started_on=CAMPAIGN_START, note=PAIRING_NOTE) for u in mine
        ]
    ctx.pairings = Pairing.objects.bulk_create(pairings)
    return f"{len(pairings)} 对（{len(ctx.leaders)} 位县领导，各联系 {min(counts)}–{max(counts)} 个单位）"


# --- step 5: visits ---------------------------------------------------------------------------


def _weekday(rng, start: date, end: date) -> date:
    while True:
        day = start + timedelta(days=rng.randint(0, (end - start).days))
        if day.weekday() < 5:
            return day


def _visit_notes(ctx: DemoContext, unit: OrgUnit) -> str:
    rng = ctx.rng
    if unit.kind == UnitKind.DEPARTMENT:
        opening = rng.choice(N.DEPARTMENT_OPENINGS).format(unit=unit.name)
        problems, praise, demands, found = (
            N.DEPARTMENT_PROBLEMS,
            N.DEPARTMENT_PRAISE,
            N.DEPARTMENT_DEMANDS,
            "指出",
        )
    else:
        places = N.VISIT_PLACES + (N.VISIT_PLACES_RURAL if unit.kind == UnitKind.TOWNSHIP else [])
        communities = ctx.extra["org.communities_by_township"].get(unit.name, [])
        where = rng.choice(communities) if communities and rng.random() < 0.5 else unit.name
        opening = rng.choice(N.TERRITORIAL_OPENINGS).format(place=where + rng.choice(places))
        problems, praise, demands, found = (
            N.TERRITORIAL_PROBLEMS,
            N.TERRITORIAL_PRAISE,
            N.TERRITORIAL_DEMANDS,
            "发现",
        )
    if rng.random() < 0.35:
        findings = f"{rng.choice(praise)}，但{rng.choice(problems)}"
    else:
        findings = found + "；".join(rng.sample(problems, 2))
    return f"{opening}。{findings}。{rng.choice(demands)}。"


def build_visits(ctx: DemoContext) -> str:
    """40–60 visits by the leaders to their paired units, weekdays from March to October 2026."""
    rng = ctx.rng
    total = rng.randint(40, 60)
    by_leader: dict[int, list[Pairing]] = {}
    for pairing in ctx.pairings:
        by_leader.setdefault(pairing.leader_id, []).append(pairing)
    # every leader visits at least two of their units; the rest fall where they fall
    chosen = [p for leader in ctx.leaders for p in rng.sample(by_leader[leader.pk], 2)]
    chosen += [rng.choice(ctx.pairings) for _ in range(total - len(chosen))]

    planned, taken = [], set()
    for pairing in chosen:
        day = _weekday(rng, max(VISITS_FROM, pairing.started_on), VISITS_UNTIL)
        while (pairing.pk, day) in taken:
            day = _weekday(rng, max(VISITS_FROM, pairing.started_on), VISITS_UNTIL)
        taken.add((pairing.pk, day))
        planned.append((day, pairing.pk, pairing, _visit_notes(ctx, pairing.unit)))
    planned.sort(key=lambda item: (item[0], item[1]))  # ids follow the calendar
    ctx.visits = [
        Visit.objects.create(
            leader=pairing.leader,
            unit=pairing.unit,
            pairing=pairing,
            visited_on=day,
            notes=notes,
            recorded_by=pairing.leader,
        )
        for day, _pk, pairing, notes in planned
    ]
    return f"{len(ctx.visits)} 次（{planned[0][0]:%Y-%m-%d} 至 {planned[-1][0]:%Y-%m-%d}）"


STEPS = [
    Step("组织架构", build_units),
    Step("人员账号", build_people),
    Step("角色分工", build_roles),
    Step("结对联创", build_pairings),
    Step("领导督战", build_visits),
]


# --- flush ------------------------------------------------------------------------------------


def flush() -> None:
    """Delete all org data — visits, pairings, roles, every user, every unit — children first."""
    photo_files = list(VisitPhoto.objects.exclude(image="").values_list("image", flat=True))
    VisitPhoto.objects.all().delete()
    Visit.objects.all().delete()
    Pairing.objects.all().delete()
    RoleAssignment.objects.all().delete()
    OrgUnit.full_time_staff.through.objects.all().delete()
    OrgUnit.objects.update(principal=None, leader_in_charge=None)
    User.objects.all().delete()
    # parents are PROTECTed: delete the deepest level first
    for depth in sorted(set(OrgUnit.objects.values_list("depth", flat=True)), reverse=True):
        OrgUnit.objects.filter(depth=depth).delete()
    if photo_files:
        storage = storages["default"]
        # files only go once the rows are gone for good
        transaction.on_commit(lambda: [storage.delete(name) for name in photo_files])
