from .views import public, staff

app_name = "surveys"
urlpatterns = public.urlpatterns + staff.urlpatterns
