"""API routes (the problems API lands here)."""

urlpatterns: list = []
