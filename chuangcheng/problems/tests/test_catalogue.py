"""The office keeps the problem catalogue: categories with their time limits and departments,
time-limit rules by category and severity, and note templates for its usual replies."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chuangcheng.core.models import AuditLog
from chuangcheng.org.models import User
from chuangcheng.problems import catalogue
from chuangcheng.problems.choices import Action, CategoryClass, Severity, TimeUnit
from chuangcheng.problems.forms import NewProblemForm
from chuangcheng.problems.models import Category, DeadlineRule, NoteTemplate, Problem
from chuangcheng.problems.tests.conftest import WEDNESDAY, new_problem

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=8))
CATEGORIES = "/problems/categories/"
NEW_SMALL = "/problems/categories/new/"
NEW_BIG = "/problems/categories/big/new/"
RULES = "/problems/categories/rules/"
TEMPLATES = "/problems/categories/templates/"


def small_class_post(parent, **changes):
    data = {
        "parent": parent.pk,
        "code": "SR-09",
        "name": "乱堆乱放",
        "time_limit": "4",
        "time_unit": TimeUnit.WORK_HOURS,
        "responsible_unit": "",
        "needs_photo": "on",
        "sort_order": "0",
        "is_active": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def edit_post(category, **changes):
    """The edit form as the page fills it in, with ``changes`` (None: the box left unticked)."""
    data = {
        "parent": category.parent_id,
        "code": category.code,
        "name": category.name,
        "time_limit": category.time_limit,
        "time_unit": category.time_unit,
        "responsible_unit": category.responsible_unit_id or "",
        "needs_photo": "on" if category.needs_photo else None,
        "sort_order": category.sort_order,
        "is_active": "on" if category.is_active else None,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def catalogue_state():
    return (
        list(Category.objects.order_by("pk").values_list("pk", "code", "name", "time_limit", "is_active")),
        list(DeadlineRule.objects.order_by("pk").values_list("pk", "amount")),
        list(NoteTemplate.objects.order_by("pk").values_list("pk", "text")),
    )


# --- categories ---------------------------------------------------------------------------------
def test_office_adds_a_small_class_and_a_problem_filed_under_it_gets_its_time_limit(world, prob, login):
    client = login(world.people.office)
    response = client.post(NEW_SMALL, small_class_post(prob.big, responsible_unit=world.units.department.pk))
    assert response.status_code == 302
    category = Category.objects.get(area=world.units.county, code="SR-09")
    assert (category.parent, category.category_class) == (prob.big, CategoryClass.EVENT)
    assert (category.time_limit, category.time_unit) == (4, TimeUnit.WORK_HOURS)
    assert category.responsible_unit == world.units.department
    entry = AuditLog.objects.get(object_type="problems.category", object_id=str(category.pk))
    assert (entry.action, entry.user) == ("create", world.people.office)

    problem = new_problem(world, unit=world.units.department, category=category, now=WEDNESDAY)
    # Wednesday 10:00 + 4 working hours: 10:00–12:00 and 14:00–16:00
    assert problem.deadline == datetime.datetime(2026, 11, 18, 16, 0, tzinfo=TZ)
    assert (problem.time_limit, problem.time_unit) == (4, TimeUnit.WORK_HOURS)


def test_office_adds_a_big_class(world, prob, login):
    response = login(world.people.office).post(
        NEW_BIG,
        {"code": "XC", "name": "宣传广告", "category_class": CategoryClass.COMPONENT, "sort_order": "2",
         "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    big = Category.objects.get(area=world.units.county, code="XC")
    assert (big.parent, big.category_class, big.time_limit) == (None, CategoryClass.COMPONENT, None)


@pytest.mark.parametrize("code", ["SR-01", "sr-01"])
def test_a_code_already_in_the_catalogue_is_a_field_error(world, prob, login, code):
    before = catalogue_state()
    response = login(world.people.office).post(NEW_SMALL, small_class_post(prob.big, code=code))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["code"]
    assert "SR-01" in errors["code"][0] or code in errors["code"][0]
    assert catalogue_state() == before


def test_another_county_may_use_the_same_code(world, prob):
    other = catalogue.create_category(
        world.people.outsider,
        catalogue.CategoryData(area=world.units.other_county, code="SR-01", name="暴露垃圾"),
    )
    assert other.area == world.units.other_county


def test_a_small_class_goes_under_a_big_class_of_the_same_area(world, prob):
    office = world.people.office
    elsewhere = catalogue.create_category(
        world.people.outsider,
        catalogue.CategoryData(area=world.units.other_county, code="DL", name="东岭大类"),
    )
    for parent in (prob.litter, elsewhere):  # a small class; another county's big class
        with pytest.raises(ValidationError) as refused:
            catalogue.create_category(
                office, catalogue.CategoryData(area=world.units.county, code="X1", name="新类", parent=parent)
            )
        assert list(refused.value.message_dict) == ["parent"]
    assert not Category.objects.filter(code="X1").exists()


def test_a_big_class_has_no_time_limit(world, prob):
    with pytest.raises(ValidationError) as refused:
        catalogue.create_category(
            world.people.office,
            catalogue.CategoryData(area=world.units.county, code="XC", name="宣传广告", time_limit=3),
        )
    assert list(refused.value.message_dict) == ["time_limit"]


def test_the_responsible_department_is_an_active_unit_of_the_area(world, prob):
    for unit in (world.units.other_township, world.units.county):  # another county's; the area itself
        with pytest.raises(ValidationError) as refused:
            catalogue.create_category(
                world.people.office,
                catalogue.CategoryData(
                    area=world.units.county,
                    code="SR-09",
                    name="乱堆乱放",
                    parent=prob.big,
                    responsible_unit=unit,
                ),
            )
        assert list(refused.value.message_dict) == ["responsible_unit"]


def test_office_changes_a_small_class_time_limit_and_department(world, prob, login):
    client = login(world.people.office)
    response = client.post(
        f"{CATEGORIES}{prob.shack.pk}/edit/",
        edit_post(prob.shack, time_limit="10", responsible_unit=world.units.department2.pk),
    )
    assert response.status_code == 302
    prob.shack.refresh_from_db()
    assert (prob.shack.time_limit, prob.shack.responsible_unit) == (10, world.units.department2)
    entry = AuditLog.objects.get(object_type="problems.category", object_id=str(prob.shack.pk))
    assert entry.action == "update"
    assert entry.detail["old"]["time_limit"] == 20


@pytest.mark.parametrize("persona", ["department", "township", "inspector", "leader", "pointleader"])
def test_units_and_other_roles_cannot_change_the_catalogue(world, prob, login, persona):
    client = login(getattr(world.people, persona))
    before = catalogue_state()
    assert client.get(NEW_SMALL).status_code == 403
    assert client.get(RULES).status_code == 403
    assert client.get(TEMPLATES).status_code == 403
    assert client.post(NEW_SMALL, small_class_post(prob.big)).status_code == 403
    assert (
        client.post(f"{CATEGORIES}{prob.litter.pk}/edit/", edit_post(prob.litter, time_limit="1")).status_code
        == 403
    )
    assert client.post(f"{CATEGORIES}{prob.shack.pk}/delete/").status_code == 403
    rule = {
        "category": prob.litter.pk,
        "severity": Severity.CRITICAL,
        "amount": "1",
        "unit": TimeUnit.WORK_HOURS,
    }
    assert client.post(RULES, rule).status_code == 403
    assert client.post(TEMPLATES, {"action": Action.REJECT, "text": "不予受理"}).status_code == 403
    assert catalogue_state() == before
    # and no edit links on the catalogue page
    html = client.get(CATEGORIES).content.decode()
    assert f"{CATEGORIES}{prob.litter.pk}/edit/" not in html


def test_another_countys_office_finds_none_of_this_catalogue(world, prob, login):
    rule = DeadlineRule.objects.create(
        area=world.units.county,
        category=prob.litter,
        severity=Severity.MAJOR,
        amount=2,
        unit=TimeUnit.WORK_HOURS,
    )
    template = NoteTemplate.objects.create(area=world.units.county, action=Action.REJECT, text="不予受理")
    before = catalogue_state()
    client = login(world.people.outsider)
    assert client.get(f"{CATEGORIES}{prob.litter.pk}/edit/").status_code == 404
    assert (
        client.post(f"{CATEGORIES}{prob.litter.pk}/edit/", edit_post(prob.litter, time_limit="1")).status_code
        == 404
    )
    assert client.post(f"{CATEGORIES}{prob.shack.pk}/delete/").status_code == 404
    assert client.post(f"{RULES}{rule.pk}/delete/").status_code == 404
    assert client.post(f"{TEMPLATES}{template.pk}/delete/").status_code == 404
    # its own rules page offers only its own (empty) catalogue, and the actions refuse it too
    response = client.get(RULES)
    assert response.status_code == 200
    assert "SR-01" not in response.content.decode()
    with pytest.raises(PermissionDenied):
        catalogue.save_deadline_rule(
            world.people.outsider, world.units.county, category=None, severity=Severity.GENERAL, amount=1,
            unit=TimeUnit.WORK_DAYS,
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        catalogue.remove_note_template(world.people.outsider, template.pk)
    assert catalogue_state() == before


def test_a_category_in_use_is_not_deleted_but_can_be_retired(world, prob, login):
    problem = new_problem(world, category=prob.litter, now=WEDNESDAY)
    client = login(world.people.office)
    response = client.post(f"{CATEGORIES}{prob.litter.pk}/delete/")
    assert response.status_code == 409
    assert Category.objects.filter(pk=prob.litter.pk, is_active=True).exists()

    response = client.post(f"{CATEGORIES}{prob.litter.pk}/edit/", edit_post(prob.litter, is_active=None))
    assert response.status_code == 302
    prob.litter.refresh_from_db()
    assert prob.litter.is_active is False
    assert Problem.objects.get(pk=problem.pk).category == prob.litter
    offered = NewProblemForm(area=world.units.county).fields["category"].queryset
    assert list(offered) == [prob.shack]


def test_an_unused_category_is_deleted(world, prob, login):
    response = login(world.people.office).post(f"{CATEGORIES}{prob.shack.pk}/delete/")
    assert response.status_code == 302
    assert not Category.objects.filter(pk=prob.shack.pk).exists()
    assert (
        AuditLog.objects.get(object_type="problems.category", object_id=str(prob.shack.pk)).action == "delete"
    )


def test_a_big_class_with_small_classes_is_not_deleted(world, prob, login):
    response = login(world.people.office).post(f"{CATEGORIES}{prob.big.pk}/delete/")
    assert response.status_code == 409
    assert Category.objects.filter(parent=prob.big).count() == 2


def test_retiring_a_big_class_retires_its_small_classes(world, prob, login):
    big = prob.big
    response = login(world.people.office).post(
        f"{CATEGORIES}{big.pk}/edit/",
        {"code": big.code, "name": big.name, "category_class": big.category_class, "sort_order": "0"},
    )
    assert response.status_code == 302
    assert list(Category.objects.filter(area=world.units.county, is_active=True)) == []


# --- time-limit rules ---------------------------------------------------------------------------
def test_a_rule_by_severity_changes_the_deadline_of_later_problems(world, prob, login):
    earlier = new_problem(
        world, unit=world.units.department, category=prob.litter, severity=Severity.CRITICAL, now=WEDNESDAY
    )
    client = login(world.people.office)
    rule = {
        "category": prob.litter.pk,
        "severity": Severity.CRITICAL,
        "amount": "2",
        "unit": TimeUnit.WORK_HOURS,
    }
    assert client.post(RULES, rule).status_code == 302

    later = new_problem(
        world, unit=world.units.department, category=prob.litter, severity=Severity.CRITICAL, now=WEDNESDAY
    )
    assert later.deadline == datetime.datetime(2026, 11, 18, 12, 0, tzinfo=TZ)
    general = new_problem(world, unit=world.units.department, category=prob.litter, now=WEDNESDAY)
    assert general.deadline == datetime.datetime(2026, 11, 18, 16, 0, tzinfo=TZ)  # the category's own
    assert Problem.objects.get(pk=earlier.pk).deadline == datetime.datetime(2026, 11, 18, 16, 0, tzinfo=TZ)

    # changing the amount changes the one rule; removing it brings back the category's limit
    assert client.post(RULES, {**rule, "amount": "1"}).status_code == 302
    saved = DeadlineRule.objects.get(area=world.units.county)
    assert (saved.category, saved.severity, saved.amount) == (prob.litter, Severity.CRITICAL, 1)
    assert [
        e.action for e in AuditLog.objects.filter(object_type="problems.deadlinerule").order_by("pk")
    ] == [
        "create",
        "update",
    ]
    assert client.post(f"{RULES}{saved.pk}/delete/").status_code == 302
    assert not DeadlineRule.objects.exists()
    again = new_problem(
        world, unit=world.units.department, category=prob.litter, severity=Severity.CRITICAL, now=WEDNESDAY
    )
    assert again.deadline == datetime.datetime(2026, 11, 18, 16, 0, tzinfo=TZ)


def test_a_rule_for_all_categories_applies_to_problems_without_a_limit_of_their_own(world, prob, login):
    client = login(world.people.office)
    rule = {"category": "", "severity": Severity.MAJOR, "amount": "3", "unit": TimeUnit.WORK_HOURS}
    assert client.post(RULES, rule).status_code == 302
    uncategorised = new_problem(world, unit=world.units.department, severity=Severity.MAJOR, now=WEDNESDAY)
    assert uncategorised.deadline == datetime.datetime(2026, 11, 18, 15, 0, tzinfo=TZ)
    litter = new_problem(
        world, unit=world.units.department, category=prob.litter, severity=Severity.MAJOR, now=WEDNESDAY
    )
    assert litter.deadline == datetime.datetime(2026, 11, 18, 16, 0, tzinfo=TZ)  # its own 4 hours


def test_the_rules_page_shows_the_table_and_the_catalogue_page_the_rules(world, prob, login):
    DeadlineRule.objects.create(
        area=world.units.county,
        category=prob.shack,
        severity=Severity.CRITICAL,
        amount=5,
        unit=TimeUnit.WORK_DAYS,
    )
    client = login(world.people.office)
    response = client.get(RULES)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.category for row in rows] == [None, prob.litter, prob.shack]
    assert [cell.rule.amount if cell.rule else None for cell in rows[2].cells] == [None, None, 5]
    html = client.get(CATEGORIES).content.decode()
    assert f"{CATEGORIES}{prob.shack.pk}/edit/" in html
    assert f"{Severity.CRITICAL.label} 5 {TimeUnit.WORK_DAYS.label}" in html


def test_a_rule_needs_a_positive_amount(world, prob, login):
    response = login(world.people.office).post(
        RULES,
        {"category": prob.litter.pk, "severity": Severity.MAJOR, "amount": "0", "unit": TimeUnit.WORK_DAYS},
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["amount"]
    assert not DeadlineRule.objects.exists()


# --- note templates -----------------------------------------------------------------------------
def test_a_note_template_is_offered_on_the_step_form_of_its_category_only(world, prob, login):
    client = login(world.people.office)
    response = client.post(
        TEMPLATES,
        {
            "action": Action.REJECT,
            "category": prob.litter.pk,
            "text": "非本辖区问题，不予受理",
            "sort_order": "0",
        },
    )
    assert response.status_code == 302
    template = NoteTemplate.objects.get(area=world.units.county)
    assert (template.action, template.category) == (Action.REJECT, prob.litter)

    litter = new_problem(world, category=prob.litter, now=WEDNESDAY)
    shack = new_problem(world, category=prob.shack, now=WEDNESDAY)
    button = '<button type="button" class="link-button" data-fill="id_note">非本辖区问题，不予受理</button>'
    assert button in client.get(f"/problems/{litter.pk}/step/reject/").content.decode()
    assert "非本辖区问题" not in client.get(f"/problems/{shack.pk}/step/reject/").content.decode()
    assert "非本辖区问题" not in client.get(f"/problems/{litter.pk}/step/comment/").content.decode()

    assert client.post(f"{TEMPLATES}{template.pk}/delete/").status_code == 302
    assert "非本辖区问题" not in client.get(f"/problems/{litter.pk}/step/reject/").content.decode()


def test_a_note_template_for_every_category_is_offered_on_each(world, prob, login):
    client = login(world.people.office)
    response = client.post(TEMPLATES, {"action": Action.COMMENT, "text": "请尽快处理", "sort_order": "0"})
    assert response.status_code == 302
    for category in (prob.litter, prob.shack, None):
        problem = new_problem(world, category=category, now=WEDNESDAY)
        assert "请尽快处理" in client.get(f"/problems/{problem.pk}/step/comment/").content.decode()


def test_note_templates_are_for_steps_that_take_a_note(world, prob, login):
    response = login(world.people.office).post(TEMPLATES, {"action": Action.ACCEPT, "text": "已签收"})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["action"]
    assert not NoteTemplate.objects.exists()


# --- admin --------------------------------------------------------------------------------------
def test_problems_and_their_history_are_read_only_in_the_admin(world, prob, client):
    problem = new_problem(world, category=prob.litter, now=WEDNESDAY)
    event = problem.events.get()
    client.force_login(User.objects.create_superuser("root", password="Root@2026pass"))
    assert client.get("/admin/problems/category/").status_code == 200
    assert client.get(f"/admin/problems/problem/{problem.pk}/change/").status_code == 200
    assert client.get("/admin/problems/problem/add/").status_code == 403
    assert client.get(f"/admin/problems/problem/{problem.pk}/delete/").status_code == 403
    assert client.get("/admin/problems/problemevent/add/").status_code == 403
    assert client.post(f"/admin/problems/problemevent/{event.pk}/change/", {"note": "改"}).status_code == 403
    assert problem.events.get().note == event.note


# --- in a browser -------------------------------------------------------------------------------
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_note_template_button_fills_the_note(chromium, live_server, world, prob, screenshot):
    from chuangcheng.core.tests.browser import PHONE, no_horizontal_overflow, sign_in

    for text in ("请于今日下班前清理完毕", "整改后上传照片"):
        NoteTemplate.objects.create(area=world.units.county, action=Action.COMMENT, text=text)
    problem = new_problem(world, category=prob.litter)
    context = chromium.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    sign_in(page, live_server, "office", world.password)
    page.goto(f"{live_server.url}/problems/{problem.pk}/step/comment/")
    page.get_by_role("button", name="请于今日下班前清理完毕").click()
    assert page.input_value("#id_note") == "请于今日下班前清理完毕"
    assert page.evaluate("document.activeElement.id") == "id_note"
    page.get_by_role("button", name="整改后上传照片").click()
    assert page.input_value("#id_note") == "请于今日下班前清理完毕\n整改后上传照片"
    for path, name in ((RULES, "catalogue-rules-phone"), (TEMPLATES, "catalogue-templates-phone"),
                       (CATEGORIES, "catalogue-categories-phone")):  # fmt: skip
        page.goto(f"{live_server.url}{path}")
        assert no_horizontal_overflow(page), path
        screenshot(page, name)
    context.close()
