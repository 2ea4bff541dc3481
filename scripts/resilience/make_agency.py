"""Run through `manage.py shell`: the one agency the resilience checks file reports to, on 127.0.0.1."""

from commonbeat.core.models import Agency
from commonbeat.feedback import services

agency, _ = Agency.objects.get_or_create(
    slug="resilience", defaults={"name": "Resilience Police Department",
                                 "name_es": "Departamento de Policía de Resilience", "hosts": "127.0.0.1"})
services.settings_for(agency)
print(f"agency {agency.slug} (id {agency.id}) ready")
