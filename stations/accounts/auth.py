"""Bearer-token authentication for managers and planners: `Authorization: Bearer <token>`."""

import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer

from stations.models import Account, ApiToken, RiderKey
from stations.models.organisation import hash_token

# last_used_at is refreshed at most this often, so reads do not turn into writes.
_TOUCH_EVERY = datetime.timedelta(minutes=5)


class TokenAuth(HttpBearer):
    """Accepts an active token of an account with one of ``roles``. No or a bad token → 401
    (raised by ninja); a valid token of the wrong role → 403."""

    def __init__(self, *roles: str):
        super().__init__()
        self.roles = roles

    def authenticate(self, request: HttpRequest, token: str) -> Account | None:
        row = (
            ApiToken.objects.select_related("account__organisation", "account__user")
            .filter(key_hash=hash_token(token), revoked_at__isnull=True)
            .first()
        )
        if row is None or not row.account.user.is_active:
            return None
        account = row.account
        if account.role not in self.roles:
            raise HttpError(403, f"a {account.role} account cannot do this; it needs a {' or '.join(self.roles)} account")
        now = timezone.now()
        if row.last_used_at is None or now - row.last_used_at > _TOUCH_EVERY:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.account = account
        return account


manager_auth = TokenAuth(Account.Role.MANAGER)
planner_auth = TokenAuth(Account.Role.PLANNER, Account.Role.MANAGER)


class RiderAuth(HttpBearer):
    """Accepts an anonymous rider key (POST /api/v1/riders); anything else → 401, managers' and
    planners' tokens included (they are another kind of key)."""

    def authenticate(self, request: HttpRequest, token: str) -> RiderKey | None:
        if not token.startswith(RiderKey.PREFIX):
            return None
        rider = RiderKey.objects.filter(key_hash=hash_token(token)).first()
        request.rider = rider
        return rider


rider_auth = RiderAuth()
