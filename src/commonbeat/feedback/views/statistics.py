"""statistics pages."""

urlpatterns: list = []
