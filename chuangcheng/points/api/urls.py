from rest_framework.routers import SimpleRouter

from chuangcheng.points.api import views

router = SimpleRouter()
router.register("points", views.PointViewSet, basename="api-point")

urlpatterns = router.urls
