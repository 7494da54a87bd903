"""WSGI entry point: `gunicorn chuangcheng.wsgi` (see README, Production)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chuangcheng.settings")
application = get_wsgi_application()
