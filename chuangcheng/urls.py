"""Top-level URLs. Every route needs login unless its view is marked login_not_required."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView

from chuangcheng import home
from chuangcheng.citizens import views as citizens_views
from chuangcheng.core import views as core_views
from chuangcheng.org import views as org_views
from chuangcheng.scoring import league_views as scoring_league_views

urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/profile/", org_views.profile, name="profile"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("chuangcheng.core.urls")),
    path("org/", include("chuangcheng.org.urls")),
    path("indicators/", include("chuangcheng.indicators.urls")),
    path("points/", include("chuangcheng.points.urls")),
    path("inspections/", include("chuangcheng.inspections.urls")),
    path("problems/", include("chuangcheng.problems.urls")),
    path("scoring/", include("chuangcheng.scoring.urls")),
    # 曝光台: the public board at a short address (the office manages it under /scoring/)
    path("exposure/", scoring_league_views.exposure_board, name="exposure"),
    path("documents/", include("chuangcheng.documents.urls")),
    # 随手拍: the public report form, also what a point's QR code opens (/report/point/<uuid>/)
    path("report/", include("chuangcheng.citizens.urls")),
    # 应知应会 quizzes and 满意度 surveys: the public link printed as a QR code in each community
    path("q/<uuid:public_id>/", citizens_views.take_round, name="take_round"),
    path("citizens/", include("chuangcheng.citizens.office_urls")),
    path("open311/", include("chuangcheng.open311.urls")),
    path("notifications/", include("chuangcheng.notifications.urls")),
    path("i18n/setlang/", core_views.login_not_required_view(set_language), name="set_language"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/org/", include("chuangcheng.org.api.urls")),
    path("api/indicators/", include("chuangcheng.indicators.api.urls")),
    path("api/points/", include("chuangcheng.points.api.urls")),
    path("api/inspections/", include("chuangcheng.inspections.api.urls")),
    path("api/problems/", include("chuangcheng.problems.api.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME

handler400 = "chuangcheng.core.views.bad_request"
handler403 = "chuangcheng.core.views.permission_denied"
handler404 = "chuangcheng.core.views.page_not_found"
handler500 = "chuangcheng.core.views.server_error"
