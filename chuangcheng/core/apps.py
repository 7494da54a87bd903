from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "chuangcheng.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        # Audit of logins is cross-cutting infrastructure, the one kind of signal use we allow.
        from chuangcheng.core import audit

        audit.connect_auth_signals()
