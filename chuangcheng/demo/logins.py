"""The demo logins: one account per role, all with the same password.

``make run`` prints this table after seeding; the usernames are referred to by docs and tests,
so they are a contract — change them only together with those.
"""

DEMO_PASSWORD = "Demo@2026"  # noqa: S105 — published on purpose: every demo login uses it

# (role, as shown to a Chinese-speaking demo audience; username)
DEMO_LOGINS: list[tuple[str, str]] = [
    ("系统管理员", "admin"),
    ("领导小组副组长", "leader"),
    ("县四城同创办", "office"),
    ("专班成员（文明城市创建专班）", "taskforce"),
    ("街道管理员（城关街道）", "township"),
    ("部门管理员（县城市管理局）", "department"),
    ("点长（城关街道北关社区）", "pointleader"),
    ("督查员（县四城同创办）", "inspector"),
    ("纪检监督（县纪委监委）", "oversight"),
    ("市四城同创办", "city"),
]

DEMO_USERNAMES = frozenset(username for _role, username in DEMO_LOGINS)
