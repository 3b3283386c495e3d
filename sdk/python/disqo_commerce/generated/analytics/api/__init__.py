# flake8: noqa

# import apis into api package
from disqo_commerce.generated.analytics.api.events_api import EventsApi
from disqo_commerce.generated.analytics.api.kpis_api import KPIsApi

