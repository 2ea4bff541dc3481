"""The demo city's transparency portal: policies with versions, comments and acknowledgements; news; body-worn
camera recordings and footage requests; and the open data catalogue (last, as it describes the other apps)."""

from commonbeat.core.seeding import SeedContext

from . import bodycams, news, opendata, policies

ORDER = 97


def seed(context: SeedContext) -> None:
    policies.seed(context)
    news.seed(context)
    bodycams.seed(context)
    opendata.seed(context)
