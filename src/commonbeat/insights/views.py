"""Trust dashboard pages."""

urlpatterns: list = []
