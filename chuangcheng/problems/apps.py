from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProblemsConfig(AppConfig):
    name = "chuangcheng.problems"
    verbose_name = _("Problems")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # the seams inspections offers the apps above it (DESIGN.md: imports point downward)
        from chuangcheng.inspections import hooks
        from chuangcheng.problems import intake

        hooks.on_submitted(intake.open_from_inspection)
        hooks.risk_provider(intake.rebound_risk)
        hooks.recent_problem_points(intake.points_with_recently_closed)
