"""Survey pages (public)."""

urlpatterns: list = []
