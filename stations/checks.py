"""System checks for deployment mistakes that settings alone cannot refuse."""

from django.conf import settings
from django.core.checks import Warning, register


@register("security", deploy=True)
def check_secret_key(app_configs, **kwargs):
    if not settings.DEBUG and settings.SECRET_KEY == settings.INSECURE_DEFAULT_SECRET_KEY:
        return [
            Warning(
                "SECRET_KEY is the built-in development key.",
                hint="Set the SECRET_KEY environment variable to a long random string in production.",
                id="stations.W001",
            )
        ]
    return []
