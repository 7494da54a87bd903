from rest_framework.routers import SimpleRouter

from chuangcheng.org.api import views

router = SimpleRouter()
router.register("units", views.OrgUnitViewSet, basename="api-org-unit")
router.register("people", views.PersonViewSet, basename="api-org-person")

urlpatterns = router.urls
