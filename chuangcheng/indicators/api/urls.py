from rest_framework.routers import SimpleRouter

from chuangcheng.indicators.api import views

router = SimpleRouter()
router.register("systems", views.AssessmentSystemViewSet, basename="api-system")
router.register("indicators", views.IndicatorViewSet, basename="api-indicator")
router.register("point-types", views.PointTypeViewSet, basename="api-point-type")
router.register("check-items", views.CheckItemViewSet, basename="api-check-item")
router.register("metrics", views.MetricViewSet, basename="api-metric")
router.register("metric-values", views.MetricValueViewSet, basename="api-metric-value")

urlpatterns = router.urls
