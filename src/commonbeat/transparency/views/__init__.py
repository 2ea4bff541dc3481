from . import bodycams, news, opendata, policies

urlpatterns = policies.urlpatterns + news.urlpatterns + bodycams.urlpatterns + opendata.urlpatterns
