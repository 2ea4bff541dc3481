"""The transparency portal's records, one module per part: policies (versions, public comments,
acknowledgements), news (updates), body-worn cameras (recordings, footage requests) and open data (datasets)."""

from .bodycams import *  # noqa: F403
from .news import *  # noqa: F403
from .opendata import *  # noqa: F403
from .policies import *  # noqa: F403
