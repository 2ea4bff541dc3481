from .public import urlpatterns as public_urlpatterns
from .staff import urlpatterns as staff_urlpatterns

urlpatterns = public_urlpatterns + staff_urlpatterns
