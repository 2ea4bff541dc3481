from . import monthly_views, text_views, views

app_name = "insights"
urlpatterns = views.urlpatterns + monthly_views.urlpatterns + text_views.urlpatterns
