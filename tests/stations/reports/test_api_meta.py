"""GET /api/v1/meta lists the report types and freshness levels with their labels."""

import pytest

from stations import vocabulary as vocab

pytestmark = pytest.mark.django_db


def test_it_lists_report_types_with_zh_and_en_labels(rider):
    body = rider.get("/api/v1/meta").json()

    assert [t["code"] for t in body["report_types"]] == [
        "confirmed", "closed", "gone", "amenity_missing", "hours_wrong", "location_wrong", "unsafe_or_dirty", "other"
    ]
    assert body["report_types"][1] == {"code": "closed", "zh": "未开放或上锁", "en": "Closed or locked when it should be open"}
    assert [t["code"] for t in body["freshness"]] == [t.code for t in vocab.FRESHNESS]
