"""The training app's pages: public (the training page, an officer's own record) and the staff console."""

from . import public, staff

urlpatterns = public.urlpatterns + staff.urlpatterns
