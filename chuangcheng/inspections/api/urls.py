from rest_framework.routers import SimpleRouter

from chuangcheng.inspections.api import views

router = SimpleRouter()
router.register("plans", views.PlanViewSet, basename="api-inspection-plan")
router.register("assignments", views.AssignmentViewSet, basename="api-inspection-assignment")
router.register("inspections", views.InspectionViewSet, basename="api-inspection")

urlpatterns = router.urls
