from . import monthly_views, views

app_name = "insights"
urlpatterns = views.urlpatterns + monthly_views.urlpatterns
