"""ChuangCheng (创城): runs a county's 四城同创 campaign."""

from .celery import app as celery_app

__all__ = ("celery_app",)
