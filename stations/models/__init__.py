"""The models of the stations app, one module per concern."""

from stations.models.history import BatchRequest, StationChange
from stations.models.holiday import HolidayDay
from stations.models.import_job import ImportJob
from stations.models.organisation import Account, ApiToken, Organisation
from stations.models.photo import StationPhoto
from stations.models.planning import CoverageRun, DemandDataset, DemandPoint
from stations.models.reports import Report, RiderKey, Webhook, WebhookDelivery
from stations.models.station import Station

__all__ = [
    "Account",
    "ApiToken",
    "BatchRequest",
    "CoverageRun",
    "DemandDataset",
    "DemandPoint",
    "HolidayDay",
    "ImportJob",
    "Organisation",
    "Report",
    "RiderKey",
    "Station",
    "StationChange",
    "StationPhoto",
    "Webhook",
    "WebhookDelivery",
]
