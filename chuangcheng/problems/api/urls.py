"""API routes of problems: /api/problems/problems/ (with …/{id}/transition/) and
/api/problems/categories/."""

from rest_framework.routers import SimpleRouter

from chuangcheng.problems.api import views

router = SimpleRouter()
router.register("problems", views.ProblemViewSet, basename="api-problem")
router.register("categories", views.CategoryViewSet, basename="api-problem-category")

urlpatterns = router.urls
