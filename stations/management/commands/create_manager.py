from django.core.management.base import BaseCommand, CommandError

from stations.errors import BadRequest
from stations.management.terminal import manage_py
from stations.models import Account
from stations.accounts.organisations import create_account


class Command(BaseCommand):
    help = "Create a manager (or planner) account in an organisation and print its API token once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--organisation", required=True, help="name of the organisation, e.g. 福田区")
        parser.add_argument("--role", choices=Account.Role.values, default=Account.Role.MANAGER, help="manager (default) or planner")
        parser.add_argument("--email", default="")
        parser.add_argument("--staff", action="store_true", help="also let them use the Django admin (scoped to their jurisdiction)")

    def handle(self, *args, username: str, organisation: str, role: str, email: str, staff: bool, **options):
        try:
            account, token = create_account(username, organisation, role, email, staff=staff)
        except BadRequest as exc:
            raise CommandError(str(exc)) from None
        self.stderr.write(f"created {role} {username!r} in {account.organisation.name}; the token is shown only once:")
        self.stdout.write(token)
        if staff:
            self.stderr.write(f"admin access granted; set a password with: {manage_py('changepassword', username)}")
