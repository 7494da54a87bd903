"""Signing in and out: clear Chinese errors, lockout, timeouts, and an audit trail of it all."""

import datetime

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from chuangcheng.core.models import AuditLog

LOGIN = "/accounts/login/"


def _fail(client, username, times=1):
    response = None
    for _ in range(times):
        response = client.post(LOGIN, {"username": username, "password": "wrong-Password1"})
    return response


def test_login_page_is_chinese_by_default(client, db):
    response = client.get(LOGIN)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert "登录" in html and "用户名" in html and "密码" in html


def test_correct_password_signs_in_and_is_audited(client, world):
    response = client.post(LOGIN, {"username": "office", "password": world.password})
    assert response.status_code == 302 and response["Location"] == "/"
    entry = AuditLog.objects.get(action="login")
    assert (entry.username, entry.unit_name, entry.result, entry.ip_address) == (
        "office",
        "县四城同创办",
        "success",
        "127.0.0.1",
    )


def test_wrong_password_gives_a_chinese_error_and_is_audited(client, world):
    response = _fail(client, "office")
    assert response.status_code == 200
    assert "请输入一个正确的用户名和密码" in response.content.decode()
    entry = AuditLog.objects.get(action="login_failed")
    assert (entry.username, entry.result) == ("office", "failure")
    assert "wrong-Password1" not in str(entry.detail)


def test_five_failures_lock_the_account_even_for_the_right_password(client, world):
    _fail(client, "office", times=4)
    locked = _fail(client, "office")
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    response = client.post(LOGIN, {"username": "office", "password": world.password})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditLog.objects.filter(action="locked_out", username="office").exists()


def test_lockout_message_is_the_same_for_unknown_usernames(client, world):
    known = _fail(client, "office", times=5).content.decode()
    client.cookies.clear()
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()
    unknown = _fail(client, "no-such-user", times=5)
    assert unknown.status_code == 429
    message = "登录失败次数过多，已锁定 30 分钟，请稍后再试。"
    assert message in known and message in unknown.content.decode()


def test_lockout_ends_after_thirty_minutes(client, world):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        _fail(client, "office", times=5)
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, 29, tzinfo=datetime.UTC), tick=False):
        assert client.post(LOGIN, {"username": "office", "password": world.password}).status_code == 429
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, 31, tzinfo=datetime.UTC), tick=False):
        assert client.post(LOGIN, {"username": "office", "password": world.password}).status_code == 302


def test_logout_is_a_post_ends_the_session_and_is_audited(client, world):
    client.post(LOGIN, {"username": "office", "password": world.password})
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # back to login
    assert AuditLog.objects.filter(action="logout", username="office").count() == 1


def test_idle_session_times_out_after_thirty_minutes(client, world):
    start = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        client.post(LOGIN, {"username": "office", "password": world.password})
        assert client.get("/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=29), tick=False):
        assert client.get("/").status_code == 200  # activity renews the idle timer
    with time_machine.travel(start + datetime.timedelta(minutes=58), tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=89), tick=False):
        response = client.get("/org/")
        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/?next=/org/"
    assert AuditLog.objects.filter(action="session_expired", username="office").count() == 1


def test_session_ends_twelve_hours_after_login_even_when_active(client, world):
    start = datetime.datetime(2026, 11, 2, 8, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        client.post(LOGIN, {"username": "office", "password": world.password})
    for minutes in range(20, 12 * 60, 20):
        with time_machine.travel(start + datetime.timedelta(minutes=minutes), tick=False):
            assert client.get("/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(hours=12, minutes=5), tick=False):
        assert client.get("/").status_code == 302


def test_disabling_a_user_ends_their_session(client, world):
    client.post(LOGIN, {"username": "office", "password": world.password})
    world.people.office.is_active = False
    world.people.office.save()
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Qingshui7", True),  # 3 classes, 9 characters
        ("abcdef1!", True),
        ("Ab1!", False),  # too short
        ("abcdefgh1", False),  # 2 classes
        ("ABCDEFGHIJ", False),
        ("12345678901", False),
        ("Zhen-Jiang 2026 long passphrase that is fine", True),
    ],
)
def test_password_rules(password, ok, db):
    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)


def test_password_too_simple_message_is_chinese(db):
    with pytest.raises(ValidationError) as caught:
        validate_password("abcdefghij")
    assert "密码必须至少包含以下四类中的 3 类：小写字母、大写字母、数字和符号。" in caught.value.messages


def test_password_change_checks_rules_and_is_audited(client, world):
    client.force_login(world.people.office)
    bad = client.post(
        reverse("password_change"),
        {"old_password": world.password, "new_password1": "abcdefghij", "new_password2": "abcdefghij"},
    )
    assert bad.status_code == 200
    assert "new_password2" in bad.context["form"].errors
    good = client.post(
        reverse("password_change"),
        {"old_password": world.password, "new_password1": "Xin-Mima2026", "new_password2": "Xin-Mima2026"},
    )
    assert good.status_code == 302
    world.people.office.refresh_from_db()
    assert world.people.office.check_password("Xin-Mima2026")
    assert AuditLog.objects.filter(action="password_changed", username="office").count() == 1
    assert client.get("/").status_code == 200  # still signed in after the change
