"""The admin's inbox of riders' reports and the organisations' webhooks, scoped like stations:
a staff manager sees the reports whose point lies in their jurisdiction."""

from django.contrib import admin
from django.utils import timezone

from stations.accounts.jurisdiction import jurisdiction_of
from stations.admin import scope as admin_scope
from stations.admin.model_admins import ScopedAdmin
from stations.models import Report, Webhook


def report_ids_in(account) -> list[int]:
    jurisdiction = jurisdiction_of(account.organisation)
    min_lon, min_lat, max_lon, max_lat = jurisdiction.bbox
    rows = list(Report.objects.filter(lon__range=(min_lon, max_lon), lat__range=(min_lat, max_lat)).values_list("pk", "lon", "lat"))
    if not rows:
        return []
    inside = jurisdiction.covers_many([r[1] for r in rows], [r[2] for r in rows])
    return [row[0] for row, ok in zip(rows, inside) if ok]


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "逾期 / Overdue"), ("no", "未逾期 / Not overdue")]

    def queryset(self, request, queryset):
        late = {"status__in": (Report.Status.OPEN, Report.Status.ACKNOWLEDGED), "due_at__lt": timezone.now()}
        if self.value() == "yes":
            return queryset.filter(**late)
        if self.value() == "no":
            return queryset.exclude(**late)
        return queryset


@admin.register(Report)
class ReportAdmin(ScopedAdmin):
    list_display = ["id", "type", "status", "station", "name", "amenity", "due_at", "seen_at", "resolution"]
    list_filter = ["status", "type", OverdueFilter, "station__district"]
    search_fields = ["comment", "name", "station__name", "note"]
    list_select_related = ["station"]
    readonly_fields = [f.name for f in Report._meta.fields]
    ordering = ["due_at", "id"]
    list_per_page = 50
    show_full_result_count = False

    def scoped(self, account, queryset):
        return queryset.filter(pk__in=report_ids_in(account))

    def has_add_permission(self, request):
        return False  # riders report through the API

    def has_change_permission(self, request, obj=None):
        return False  # handled through the API: acknowledge, resolve, approve, reject


@admin.register(Webhook)
class WebhookAdmin(ScopedAdmin):
    list_display = ["organisation", "url", "active"]
    fields = ["organisation", "url", "secret", "active"]

    def scoped(self, account, queryset):
        return queryset.filter(organisation_id__in=admin_scope.organisation_ids_under(account.organisation))

    def has_add_permission(self, request):
        return request.user.is_superuser
