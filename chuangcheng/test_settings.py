"""Settings for the test suite: the production settings with test-only speed-ups.

DATABASE_URL still decides SQLite or PostgreSQL, so the same suite runs on both.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0b9e3c2f7a61d4e8")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

from chuangcheng.settings import *  # noqa: F403

# Fast hashing: tests create many users; production keeps Django's default (PBKDF2).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# No manifest needed: tests never run collectstatic.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
SECURE_SSL_REDIRECT = False
MEDIA_ROOT = Path(os.environ.get("TEST_MEDIA_ROOT", str(VAR_DIR / "test-media")))  # noqa: F405
STORAGES["default"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}  # noqa: F405
CELERY_TASK_ALWAYS_EAGER = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (WhiteNoise warns when it is missing)
