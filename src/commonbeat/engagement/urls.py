from .views import public, staff

app_name = "engagement"
urlpatterns = public.urlpatterns + staff.urlpatterns
