"""Every size limit of the API, defined once: the schemas (OpenAPI, validation), the services'
own checks and /api/v1/meta all read them from here."""

# Riders' search.
MAX_K = 100  # nearest: stations per answer
DEFAULT_K = 10
MAX_RADIUS_M = 50_000  # nearest: radius_m
MAX_PAGE_SIZE = 500  # viewport pages and the managers' list
DEFAULT_PAGE_SIZE = 100
MAX_OPEN_FOR_MIN = 24 * 60  # open_for_min: a day at most
MAX_ROUTE_K = 200  # along-route: stations per answer
DEFAULT_ROUTE_K = 20
MAX_ROUTE_WITHIN_M = 5_000  # along-route: distance from the route
DEFAULT_ROUTE_WITHIN_M = 2_000
MAX_ROUTE_VERTICES = 20_000
MAX_ROUTE_LENGTH_M = 3_000_000

# Managers.
MAX_BATCH_OPERATIONS = 1000
# How far ahead of the server's clock a last_verified_at may lie (a phone's clock runs ahead):
# later than that it has not happened yet, and is refused.
CLOCK_SKEW_S = 5 * 60

# Planners.
MAX_COVERAGE_RADIUS_M = 20_000
DEFAULT_COVERAGE_RADIUS_M = 500
MAX_SITES = 100
DEFAULT_SITES = 10
MAX_SITE_CANDIDATES = 10_000

# Riders' reports (stations.reports).
MAX_REPORT_COMMENT_CHARS = 500
FRESH_DAYS = 90  # freshness "fresh": confirmed, verified or changed at most this many days ago
AGING_DAYS = 365  # "aging" up to here; "stale" beyond, or never
ALERT_WINDOW_DAYS = 7  # problems seen by two riders within this window raise an alert
ALERT_MIN_RIDERS = 2
REPORT_DEDUPE_HOURS = 24  # the same rider's same report on a station within this updates it
SUGGESTION_DUPLICATE_RADIUS_M = 100  # a suggestion lists existing stations this close


def size_text(n_bytes: int) -> str:
    """How a byte limit is said in messages.

    >>> size_text(20 * 2**20), size_text(1536)
    ('20 MB (20971520 bytes)', '1536 bytes')
    """
    if n_bytes >= 2**20:
        return f"{n_bytes / 2**20:g} MB ({n_bytes} bytes)"
    return f"{n_bytes} bytes"
