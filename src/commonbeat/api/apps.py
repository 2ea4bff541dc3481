from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "commonbeat.api"
    label = "api"
    verbose_name = "API"
