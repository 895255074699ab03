"""Django admin for the registry. Amenities and worker types are edited as checkbox sets over
the shared vocabulary (stored as bit masks)."""

from django import forms
from django.contrib import admin
from django.db.models import F

from stations import vocabulary as vocab
from stations.models import Station
from stations.services.hours import hours_error


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


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    form = StationForm
    list_display = ["name", "kind", "status", "city", "district", "opening_hours", "version", "updated_at"]
    list_filter = ["kind", "status", "district", AmenityFilter, "source"]
    search_fields = ["name", "name_en", "address", "external_id", "operator"]
    readonly_fields = ["version", "created_at", "updated_at"]
    list_per_page = 50
    show_full_result_count = False  # counting 1M rows per page view is slow on PostgreSQL
