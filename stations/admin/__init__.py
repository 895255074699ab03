"""The Django admin: model admins scoped to the staff member's jurisdiction, like the managers' API.

Django's autodiscovery imports this package; importing model_admins registers the admins.
"""

from stations.admin import model_admins, reports  # noqa: F401  (registers the ModelAdmins)
