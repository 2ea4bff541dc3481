"""Survey pages (staff)."""

urlpatterns: list = []
