"""Production configuration: loud failure without secrets, and Django's deploy checks clean."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _manage(*args, **env):
    excluded = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    base = {k: v for k, v in os.environ.items() if k not in excluded}
    base["DJANGO_SETTINGS_MODULE"] = "chuangcheng.settings"
    base.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_with_production_settings(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="chuangcheng.example.gov.cn",
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "0", "ALLOWED_HOSTS": "x.gov.cn"}, "SECRET_KEY must be set"),
        ({"DEBUG": "0", "SECRET_KEY": "k" * 60}, "ALLOWED_HOSTS must be set"),
        ({"DEBUG": "maybe"}, "DEBUG must be one of"),
    ],
)
def test_production_refuses_to_start_without_required_settings(env, message, tmp_path):
    result = _manage("check", VAR_DIR=str(tmp_path), **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_secret_can_come_from_a_file(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text(secrets.token_urlsafe(50))
    result = _manage(
        "check", DEBUG="0", SECRET_KEY_FILE=str(secret_file), ALLOWED_HOSTS="x.gov.cn", VAR_DIR=str(tmp_path)
    )
    assert result.returncode == 0, result.stderr


def test_the_web_server_is_production_unless_told_otherwise(tmp_path):
    """wsgi.py has no DEBUG default: without SECRET_KEY it refuses to start."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}
    env["VAR_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", "import chuangcheng.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_manage_py_is_a_development_tool_by_default(tmp_path):
    result = _manage("check", VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
