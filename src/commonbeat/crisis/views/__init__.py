from . import public, staff

urlpatterns = public.urlpatterns + staff.urlpatterns
