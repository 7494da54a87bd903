"""Simplified Chinese by default, English on request; every interface string is translated."""

from pathlib import Path

import polib
from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_message_has_a_chinese_translation():
    catalogue = polib.pofile(str(PO))
    missing = [e.msgid for e in catalogue if not e.obsolete and (not e.translated() or e.fuzzy)]
    assert missing == []


def test_english_switch_changes_the_interface_and_back(client, world):
    client.force_login(world.people.office)
    assert "组织架构" in client.get("/org/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/org/"})
    assert response.status_code == 302
    html = client.get("/org/").content.decode()
    assert '<html lang="en">' in html and "Organisation" in html and "组织架构" not in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/org/"})
    assert "组织架构" in client.get("/org/").content.decode()


def test_an_english_browser_still_gets_chinese_until_the_person_switches(client, db):
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in html and "登录" in html


def test_times_are_beijing_time(settings):
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.LANGUAGE_CODE == "zh-hans"


def test_translations_keep_every_placeholder():
    import re

    placeholder = re.compile(r"\{\w+\}|%\(\w+\)s")
    catalogue = polib.pofile(str(PO))
    wrong = []
    for entry in catalogue:
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            if sorted(placeholder.findall(entry.msgid)) != sorted(placeholder.findall(text)):
                wrong.append(entry.msgid)
    assert wrong == []
