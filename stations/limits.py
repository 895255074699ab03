"""Every size limit of the API, defined once: the schemas (OpenAPI, validation), the services'
own checks and /api/v1/meta all read them from here."""

# Riders' search.
MAX_K = 100  # nearest: stations per answer
DEFAULT_K = 10
MAX_RADIUS_M = 50_000  # nearest: radius_m
MAX_PAGE_SIZE = 500  # viewport pages and the managers' list
DEFAULT_PAGE_SIZE = 100

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
