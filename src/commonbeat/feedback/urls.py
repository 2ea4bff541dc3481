from .views import public, staff, statistics

app_name = "feedback"
urlpatterns = public.urlpatterns + staff.urlpatterns + statistics.urlpatterns
