"""The checks of an indicator tree: errors refuse an import and show on the system page;
warnings point at totals that do not add up and leaves that cannot be scored yet."""

from decimal import Decimal

import pytest
from django.utils import translation

from chuangcheng.indicators.choices import Method
from chuangcheng.indicators.models import Indicator
from chuangcheng.indicators.tests.factories import AssessmentSystemFactory, IndicatorFactory
from chuangcheng.indicators.validation import ERROR, WARNING, TreeRow, check_tree, tree_issues

D = Decimal


def found(issues):
    return {(issue.severity, issue.code, issue.indicator_code) for issue in issues}


def rows(*specs):
    """TreeRow(code, parent, level, score, method="field_check") from tuples; ref = position."""
    return [
        TreeRow(code=c, parent_code=p, level=lvl, max_score=s, method=m, ref=n)
        for n, (c, p, lvl, s, m) in enumerate((*spec, Method.FIELD_CHECK)[:5] for spec in specs)
    ]


def test_a_consistent_tree_has_no_issues():
    tree = rows(("1", "", 1, D(10)), ("1.1", "1", 2, D(4)), ("1.2", "1", 2, D(6)), ("2", "", 1, D(5)))
    assert check_tree(tree, declares_totals=True, total_score=D(15)) == []


def test_negative_scores_and_weights_are_errors():
    tree = rows(("1", "", 1, D(-1)))
    tree.append(TreeRow(code="2", level=1, max_score=D(1), weight=D("-0.5"), method="x"))
    assert found(check_tree(tree, declares_totals=False)) == {
        (ERROR, "negative_score", "1"),
        (ERROR, "negative_weight", "2"),
    }


def test_levels_deeper_than_three_and_levels_that_skip_are_errors():
    tree = rows(
        ("1", "", 1, None),
        ("1.1", "1", 2, None),
        ("1.1.1", "1.1", 3, None),
        ("1.1.1.1", "1.1.1", 4, D(1)),
        ("1.2", "1", 3, D(1)),  # should be 2
        ("2", "", 2, D(1)),  # a root must be 1
    )
    assert {(s, c, i) for s, c, i in found(check_tree(tree, declares_totals=False)) if s == ERROR} == {
        (ERROR, "level_too_deep", "1.1.1.1"),
        (ERROR, "level_mismatch", "1.2"),
        (ERROR, "level_mismatch", "2"),
    }


def test_unknown_parents_duplicates_and_cycles_are_errors():
    tree = rows(
        ("A", "C", 1, D(1)),
        ("B", "A", 2, D(1)),
        ("C", "B", 3, D(1)),  # A → C → B → A
        ("D", "ZZ", 2, D(1)),
        ("D", "", 1, D(1)),
        ("E", "E", 1, D(1)),
    )
    issues = check_tree(tree, declares_totals=False)
    assert {(s, c, i) for s, c, i in found(issues) if s == ERROR} == {
        (ERROR, "cycle", "A"),
        (ERROR, "cycle", "B"),
        (ERROR, "cycle", "C"),
        (ERROR, "cycle", "E"),
        (ERROR, "unknown_parent", "D"),
        (ERROR, "duplicate_code", "D"),
    }
    duplicate = next(i for i in issues if i.code == "duplicate_code")
    assert duplicate.ref == 4  # the second row with the code is the one at fault
    cycle = next(i for i in issues if i.code == "cycle" and i.indicator_code == "A")
    assert (
        "A → C → B → A" in cycle.message
        or "C → B → A → C" in cycle.message
        or "B → A → C → B" in cycle.message
    )


def test_children_over_their_parent_are_an_error_only_when_the_system_declares_totals():
    tree = rows(("1", "", 1, D(5)), ("1.1", "1", 2, D(3)), ("1.2", "1", 2, D(3)))
    assert found(check_tree(tree, declares_totals=True)) == {(ERROR, "children_exceed", "1")}
    assert found(check_tree(tree, declares_totals=False)) == {(WARNING, "children_mismatch", "1")}


def test_totals_that_do_not_add_up_are_warnings():
    tree = rows(("1", "", 1, D(10)), ("1.1", "1", 2, D(4)), ("1.2", "1", 2, D(5)), ("2", "", 1, D(5)))
    issues = check_tree(tree, declares_totals=True, total_score=D(100))
    assert found(issues) == {(WARNING, "children_mismatch", "1"), (WARNING, "total_mismatch", "")}
    # children without scores (weighted, say) are not counted as falling short
    tree = rows(("1", "", 1, D(10)), ("1.1", "1", 2, D(4)), ("1.2", "1", 2, None))
    assert (WARNING, "children_mismatch", "1") not in found(check_tree(tree, declares_totals=True))


def test_leaves_without_method_or_score_are_warnings():
    tree = [
        TreeRow(code="1", level=1),
        TreeRow(code="1.1", parent_code="1", level=2, weight=D("0.5"), method=""),
        TreeRow(code="1.2", parent_code="1", level=2, method=Method.SURVEY),
    ]
    assert found(check_tree(tree, declares_totals=True)) == {
        (WARNING, "leaf_without_method", "1.1"),
        (WARNING, "leaf_without_score", "1.2"),
    }


def test_errors_come_before_warnings():
    tree = rows(("1", "", 1, D(5)), ("1.1", "1", 2, D(-1), ""))
    severities = [issue.severity for issue in check_tree(tree, declares_totals=True)]
    assert severities == sorted(severities, key=lambda s: s != ERROR) and severities[0] == ERROR


@pytest.fixture
def system(world):
    return AssessmentSystemFactory(area=world.units.county, total_score=D(20), declares_totals=True)


def test_tree_issues_of_a_saved_system(system):
    root = IndicatorFactory(system=system, code="1", max_score=D(10), method="")
    IndicatorFactory(system=system, parent=root, level=2, code="1.1", max_score=D(8))
    IndicatorFactory(system=system, parent=root, level=2, code="1.2", max_score=D(4), method="")
    IndicatorFactory(system=system, parent=root, level=3, code="1.3", max_score=None)
    assert found(tree_issues(system)) == {
        (ERROR, "children_exceed", "1"),
        (ERROR, "level_mismatch", "1.3"),
        (WARNING, "total_mismatch", ""),
        (WARNING, "leaf_without_method", "1.2"),
        (WARNING, "leaf_without_score", "1.3"),
    }


def test_tree_issues_finds_a_cycle_saved_in_the_database(system, django_assert_num_queries):
    a = IndicatorFactory(system=system, code="A", max_score=D(20))
    b = IndicatorFactory(system=system, parent=a, level=2, code="B", max_score=D(20))
    Indicator.objects.filter(pk=a.pk).update(parent=b, level=3)
    with django_assert_num_queries(1):
        issues = tree_issues(system)
    assert {(s, c, i) for s, c, i in found(issues) if s == ERROR} == {
        (ERROR, "cycle", "A"),
        (ERROR, "cycle", "B"),
    }


def test_a_clean_saved_system_has_no_issues(system):
    root = IndicatorFactory(system=system, code="1", max_score=D(20), method="")
    IndicatorFactory(system=system, parent=root, level=2, code="1.1", max_score=D(20))
    assert tree_issues(system) == []


def test_messages_name_the_indicator_in_the_users_language():
    tree = rows(("1", "", 1, D(5)), ("1.1", "1", 2, D(6)))
    with translation.override("en"):
        (issue,) = check_tree(tree, declares_totals=True)
    assert issue.message == "Indicator 1: its sub-indicators add up to 6, more than its own score 5."
    with translation.override("zh-hans"):
        (issue,) = check_tree(tree, declares_totals=True)
    assert issue.message == "指标 1：下级指标分值合计 6，超过其自身分值 5。"
