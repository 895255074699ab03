"""Django admin for the registry. Amenities and worker types are edited as checkbox sets over
the shared vocabulary (stored as bit masks)."""

from django import forms
from django.contrib import admin
from django.db.models import F
from django.utils.html import format_html

from stations import vocabulary as vocab
from stations.models import Account, ApiToken, Organisation, Station, StationChange, StationPhoto
from stations.admin import scope as admin_scope
from stations.search.hours import hours_error
from stations.photos.store import photo_json
from stations.records.state import state_of
from stations.records.writes import record_change


class StationForm(forms.ModelForm):
    amenities = forms.MultipleChoiceField(
        choices=vocab.choices(vocab.AMENITIES), widget=forms.CheckboxSelectMultiple, required=False, label="设施 Amenities"
    )
    eligible_workers = forms.MultipleChoiceField(
        choices=vocab.choices(vocab.WORKER_TYPES),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="服务对象 Eligible workers",
        help_text="Tick none for all workers.",
    )

    class Meta:
        model = Station
        exclude = ["amenity_mask", "eligible_workers_mask"]

    user = None  # set by StationAdmin.get_form: whose jurisdiction bounds the location

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["amenities"] = self.instance.amenities
            workers = self.instance.eligible_workers
            self.initial["eligible_workers"] = [] if workers == [vocab.ALL_WORKERS] else workers

    def clean_opening_hours(self):
        text = self.cleaned_data["opening_hours"].strip()
        error = hours_error(text)
        if error:
            raise forms.ValidationError(error)
        return text

    def clean(self):
        cleaned = super().clean()
        lon, lat = cleaned.get("lon"), cleaned.get("lat")
        if self.user is not None and lon is not None and lat is not None and not admin_scope.covers(self.user, lon, lat):
            raise forms.ValidationError(f"({lon}, {lat}) is outside your jurisdiction: you cannot put a station there")
        return cleaned

    def save(self, commit=True):
        self.instance.amenities = self.cleaned_data["amenities"]
        self.instance.eligible_workers = self.cleaned_data["eligible_workers"] or [vocab.ALL_WORKERS]
        return super().save(commit)


class AmenityFilter(admin.SimpleListFilter):
    title = "amenity"
    parameter_name = "amenity"

    def lookups(self, request, model_admin):
        return vocab.choices(vocab.AMENITIES)

    def queryset(self, request, queryset):
        if self.value() in vocab.AMENITY_CODES:
            bit = vocab.amenity_mask([self.value()])
            return queryset.annotate(_has=F("amenity_mask").bitand(bit)).filter(_has=bit)
        return queryset


class ScopedAdmin(admin.ModelAdmin):
    """Superusers see everything; a union manager with staff rights sees their jurisdiction."""

    def scoped(self, request, queryset):
        raise NotImplementedError

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        account = admin_scope.account_of(request.user)
        return self.scoped(account, queryset) if account is not None else queryset.none()


class PhotoInline(admin.TabularInline):
    model = StationPhoto
    fields = ["thumbnail", "position", "width", "height", "created_at"]
    readonly_fields = ["thumbnail", "width", "height", "created_at"]
    extra = 0

    @admin.display(description="照片 Photo")
    def thumbnail(self, photo):
        return format_html('<img src="{}" style="max-height:80px">', photo_json(photo)["thumb_url"])

    def has_add_permission(self, request, obj=None):
        return False  # uploads go through the API, which verifies and strips them


@admin.register(Station)
class StationAdmin(ScopedAdmin):
    form = StationForm
    list_display = ["name", "kind", "status", "city", "district", "opening_hours", "version", "updated_at"]
    list_filter = ["kind", "status", "district", AmenityFilter, "source"]
    search_fields = ["name", "name_en", "address", "external_id", "operator"]
    readonly_fields = ["location_preview", "version", "created_at", "updated_at"]
    inlines = [PhotoInline]
    list_per_page = 50
    show_full_result_count = False  # counting 1M rows per page view is slow on PostgreSQL

    def scoped(self, account, queryset):
        return queryset.filter(pk__in=admin_scope.station_ids_in(account))

    @admin.display(description="位置 Location")
    def location_preview(self, station):
        if station.pk is None:
            return "—"
        return format_html('<img src="{}" width="360" height="260" alt="map of the station">', admin_scope.preview_data_uri(station))

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    def save_model(self, request, obj, form, change):
        before = state_of(Station.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        account = admin_scope.account_of(request.user)
        action = StationChange.Action.UPDATE if change else StationChange.Action.CREATE
        if before is None or state_of(obj) != before:
            record_change(obj, action, request.user, account.organisation.name if account else "", "admin", before)


@admin.register(StationChange)
class StationChangeAdmin(ScopedAdmin):
    list_display = ["station", "version", "action", "changed_by_name", "organisation_name", "via", "changed_at"]
    list_filter = ["action", "via"]
    search_fields = ["station__name", "changed_by_name"]
    readonly_fields = [f.name for f in StationChange._meta.fields]
    list_select_related = ["station"]

    def scoped(self, account, queryset):
        return queryset.filter(station_id__in=admin_scope.station_ids_in(account))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # history is never edited; revert through the API


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    list_display = ["name", "level", "parent", "adcode", "updated_at"]
    list_filter = ["level"]
    search_fields = ["name", "adcode"]
    exclude = ["boundary_geojson", "min_lon", "min_lat", "max_lon", "max_lat"]  # loaded with load_jurisdictions

    def scoped(self, account, queryset):
        return queryset.filter(pk__in=admin_scope.organisation_ids_under(account.organisation))

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser


class TokenInline(admin.TabularInline):
    model = ApiToken
    fields = ["hint", "label", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["hint", "created_at", "last_used_at"]
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False  # tokens are issued by `manage.py create_manager` (shown once)


@admin.register(Account)
class AccountAdmin(ScopedAdmin):
    list_display = ["user", "role", "organisation"]
    list_filter = ["role"]
    search_fields = ["user__username", "organisation__name"]
    inlines = [TokenInline]

    def scoped(self, account, queryset):
        return queryset.filter(organisation_id__in=admin_scope.organisation_ids_under(account.organisation))

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser
