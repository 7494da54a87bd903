"""Personas shared by every app's tests (Healthchecks' pattern: an insider, a neighbour, an outsider).

``world`` builds a small city: 示范市 over two counties. Each persona is a signed-in role:

    示范市 (city)                       city      CITY_OFFICE
      示范市创城办 (campaign office)
      示范县 (county)
        县四城同创办 (campaign office)  office    OFFICE     · inspector INSPECTOR
        领导小组 (leading group)        leader    LEADER (paired with 城关街道)
        县纪委监委 (department)         oversight OVERSIGHT
        城关街道 (street)               township  UNIT_ADMIN
          西门社区 (community)          pointleader POINT_LEADER
        东城街道 (street)               neighbour UNIT_ADMIN (a second township)
        县城管局 (department)           department UNIT_ADMIN
        县住建局 (department)
      东岭县 (county)
        东岭县创城办                    outsider  OFFICE (another county's office)
        石桥镇 (township)
"""

import datetime
import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from chuangcheng.org.choices import Role, UnitKind
from chuangcheng.org.tests.factories import (
    TEST_PASSWORD,
    OrgUnitFactory,
    PairingFactory,
    RoleAssignmentFactory,
    UserFactory,
)


def _person(username, full_name, unit, role=None, role_unit=None, **extra):
    user = UserFactory(username=username, full_name=full_name, unit=unit, **extra)
    if role:
        RoleAssignmentFactory(user=user, unit=role_unit or unit, role=role)
    return user


@pytest.fixture
def world(db):
    u = SimpleNamespace()
    u.city = OrgUnitFactory(name="示范市", kind=UnitKind.CITY)
    u.city_office = OrgUnitFactory(name="示范市创城办", kind=UnitKind.CAMPAIGN_OFFICE, parent=u.city)
    u.county = OrgUnitFactory(name="示范县", kind=UnitKind.COUNTY, parent=u.city)
    u.office_unit = OrgUnitFactory(name="县四城同创办", kind=UnitKind.CAMPAIGN_OFFICE, parent=u.county)
    u.leading_group = OrgUnitFactory(name="领导小组", kind=UnitKind.LEADING_GROUP, parent=u.county)
    u.discipline = OrgUnitFactory(name="县纪委监委", kind=UnitKind.DEPARTMENT, parent=u.county)
    u.township = OrgUnitFactory(name="城关街道", kind=UnitKind.STREET, parent=u.county)
    u.community = OrgUnitFactory(name="西门社区", kind=UnitKind.COMMUNITY, parent=u.township)
    u.township2 = OrgUnitFactory(name="东城街道", kind=UnitKind.STREET, parent=u.county)
    u.department = OrgUnitFactory(name="县城管局", kind=UnitKind.DEPARTMENT, parent=u.county)
    u.department2 = OrgUnitFactory(name="县住建局", kind=UnitKind.DEPARTMENT, parent=u.county)
    u.other_county = OrgUnitFactory(name="东岭县", kind=UnitKind.COUNTY, parent=u.city)
    u.other_office = OrgUnitFactory(name="东岭县创城办", kind=UnitKind.CAMPAIGN_OFFICE, parent=u.other_county)
    u.other_township = OrgUnitFactory(name="石桥镇", kind=UnitKind.TOWNSHIP, parent=u.other_county)

    p = SimpleNamespace()
    p.city = _person("city", "市创城办干部", u.city_office, Role.CITY_OFFICE)
    p.office = _person("office", "办公室干部", u.office_unit, Role.OFFICE)
    p.inspector = _person("inspector", "督查员甲", u.office_unit, Role.INSPECTOR)
    p.leader = _person("leader", "副县长", u.leading_group, Role.LEADER)
    p.oversight = _person("oversight", "纪委干部", u.discipline, Role.OVERSIGHT)
    p.township = _person("township", "街道干部", u.township, Role.UNIT_ADMIN)
    p.pointleader = _person("pointleader", "社区点长", u.community, Role.POINT_LEADER)
    p.neighbour = _person("neighbour", "东城干部", u.township2, Role.UNIT_ADMIN)
    p.department = _person("department", "城管干部", u.department, Role.UNIT_ADMIN)
    p.outsider = _person("outsider", "东岭县干部", u.other_office, Role.OFFICE)
    p.nobody = _person("nobody", "无角色", None)
    # plain members, one per unit, to check who sees which people
    p.member_community = _person("m_community", "社区居民干部", u.community)
    p.member_township2 = _person("m_township2", "东城科员", u.township2)
    p.member_department2 = _person("m_department2", "住建科员", u.department2)
    p.member_other = _person("m_other", "石桥科员", u.other_township)

    pairing = PairingFactory(leader=p.leader, unit=u.township, started_on=datetime.date(2026, 3, 1))
    return SimpleNamespace(units=u, people=p, pairing=pairing, password=TEST_PASSWORD)


@pytest.fixture
def media_in_tmp(settings, tmp_path):
    """Uploaded and generated files go to a throwaway folder (use it where a test writes files
    and checks them: autouse it in that module)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


@pytest.fixture
def login(client):
    """``login(user)`` signs the test client in as that persona."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


# --- real browser (Playwright driving Debian's chromium; no browser download) -----------------
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
ARTIFACTS = Path(__file__).resolve().parent / "test-artifacts"


def _chromium_path():
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if Path(configured).exists() else None
    return next((p for p in CHROMIUM_CANDIDATES if Path(p).exists()), None)


def pytest_report_header(config):
    from django.conf import settings

    lines = [f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"]
    path = _chromium_path()
    if path:
        lines.append(f"browser tests: chromium at {path}")
    else:
        lines.append("browser tests: SKIPPED, no Chromium found (apt-get install chromium); CI installs it")
    return lines


@pytest.fixture(scope="session")
def chromium():
    path = _chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser tests, but no Chromium is installed")
        pytest.skip("no Chromium installed (apt-get install chromium) — browser tests skipped")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def screenshot():
    """``screenshot(page, name)`` saves a PNG under test-artifacts/ for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)

    def _shot(page, name):
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot
