"""The controlled vocabularies of Yizhan, with their zh-Hans and English labels.

The one home of these codes and labels: the model choices, the API schemas and /meta, the
admin, the importer, planning and the map legend all read them from here. Amenities and worker
types are stored as bit masks, so the position of a code in its tuple is part of the database
format: append new codes at the end, never reorder or remove.
"""

from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Term:
    code: str
    zh: str
    en: str


# From the policy texts' list of needs: 停车、充电、饮水、就餐、如厕、休息, 避暑, 取暖, ...
AMENITIES: tuple[Term, ...] = (
    Term("parking", "停车", "Parking"),
    Term("ebike_charging", "电动车充电", "E-bike charging"),
    Term("phone_charging", "手机充电", "Phone charging"),
    Term("drinking_water", "饮用水", "Drinking water"),
    Term("hot_water", "热水", "Hot water"),
    Term("microwave", "微波炉热饭", "Microwave (heat meals)"),
    Term("meals", "就餐", "Meals"),
    Term("toilet", "卫生间", "Toilet"),
    Term("seating", "休息座椅", "Seating / rest"),
    Term("air_conditioning", "空调避暑", "Air conditioning (summer cooling)"),
    Term("heating", "取暖", "Heating (winter warmth)"),
    Term("tool_storage", "工具存放", "Tool storage"),
    Term("first_aid", "医药箱", "First-aid kit"),
    Term("aed", "AED除颤仪", "AED defibrillator"),
    Term("wifi", "无线网络", "Wi-Fi"),
    Term("shower", "淋浴", "Shower"),
    Term("laundry", "洗衣", "Laundry"),
    Term("accommodation", "住宿", "Accommodation"),
    Term("truck_parking", "货车停车", "Truck parking"),
    Term("legal_aid", "法律援助", "Legal aid"),
    Term("reading", "阅读角", "Reading corner"),
    Term("umbrella_loan", "借伞", "Umbrella loan"),
)

KINDS: tuple[Term, ...] = (
    Term("rest_station", "户外劳动者服务站点", "Outdoor workers' rest station"),
    Term("driver_home", "司机之家", "Driver home"),
    Term("charging_point", "充电站点", "Charging point"),
)

STATUSES: tuple[Term, ...] = (
    Term("open", "开放", "Open"),
    Term("temporarily_closed", "暂停开放", "Temporarily closed"),
    Term("closed", "已关闭", "Closed"),
    Term("planned", "规划中", "Planned"),
)

WORKER_TYPES: tuple[Term, ...] = (
    Term("delivery", "外卖骑手", "Food-delivery rider"),
    Term("courier", "快递员", "Courier"),
    Term("ride_hailing", "网约车司机", "Ride-hailing driver"),
    Term("taxi", "出租车司机", "Taxi driver"),
    Term("truck", "货车司机", "Truck driver"),
    Term("sanitation", "环卫工人", "Sanitation worker"),
)

CHARGING_VEHICLES: tuple[Term, ...] = (
    Term("ebike", "电动自行车", "E-bike"),
    Term("ev", "电动汽车", "Electric car"),
    Term("both", "电动自行车和电动汽车", "E-bikes and electric cars"),
)

COORDSYS: tuple[Term, ...] = (
    Term("wgs84", "WGS-84（GPS、OpenStreetMap）", "WGS-84 (GPS, OpenStreetMap)"),
    Term("gcj02", "GCJ-02（高德、腾讯、微信）", "GCJ-02 (Amap, Tencent, WeChat)"),
    Term("bd09", "BD-09（百度）", "BD-09 (Baidu)"),
)

# What a rider can tell about a station (stations.reports). "confirmed" is the good news.
REPORT_TYPES: tuple[Term, ...] = (
    Term("confirmed", "信息属实", "Here, as described"),
    Term("closed", "未开放或上锁", "Closed or locked when it should be open"),
    Term("gone", "已不存在", "No longer exists"),
    Term("amenity_missing", "设施缺失", "An amenity is missing (name it)"),
    Term("hours_wrong", "开放时间有误", "Opening hours are wrong"),
    Term("location_wrong", "位置有误", "Location is wrong"),
    Term("unsafe_or_dirty", "不安全或不卫生", "Unsafe or dirty"),
    Term("other", "其他问题", "Something else"),
)

# How recently a station was confirmed by a rider, verified or changed by its union.
FRESHNESS: tuple[Term, ...] = (
    Term("fresh", "近期核实", "Confirmed recently (within 90 days)"),
    Term("aging", "较久未核实", "Not confirmed for over 90 days"),
    Term("stale", "长期未核实", "Not confirmed for over a year, or never"),
)

# Soft-deleted by a manager: kept with its history, hidden from riders. Not in STATUSES, so the
# riders' API cannot ask for it; the model's choices and the managers' answers use it.
REMOVED = Term("removed", "已删除", "Removed")

AMENITY_CODES = tuple(term.code for term in AMENITIES)
WORKER_CODES = tuple(term.code for term in WORKER_TYPES)
KIND_CODES = tuple(term.code for term in KINDS)
STATUS_CODES = tuple(term.code for term in STATUSES)
CHARGING_VEHICLE_CODES = tuple(term.code for term in CHARGING_VEHICLES)
COORDSYS_CODES = tuple(term.code for term in COORDSYS)
REPORT_TYPE_CODES = tuple(term.code for term in REPORT_TYPES)
# How messages name a coordinate system ("outside China, where GCJ-02 coordinates do not exist").
COORDSYS_NAMES = {"wgs84": "WGS-84", "gcj02": "GCJ-02", "bd09": "BD-09"}
ALL_WORKERS = "all"

_AMENITY_BIT = {code: 1 << i for i, code in enumerate(AMENITY_CODES)}
_WORKER_BIT = {code: 1 << i for i, code in enumerate(WORKER_CODES)}
ALL_WORKERS_MASK = (1 << len(WORKER_CODES)) - 1


class UnknownCode(ValueError):
    """A code that is not in its vocabulary; the message lists the allowed codes."""


def _mask(codes, bits: dict[str, int], what: str) -> int:
    mask = 0
    for code in codes:
        bit = bits.get(code)
        if bit is None:
            raise UnknownCode(f"unknown {what} {code!r}; allowed: {', '.join(bits)}")
        mask |= bit
    return mask


def amenity_mask(codes) -> int:
    """Bit mask of a collection of amenity codes. Raises UnknownCode."""
    return _mask(codes, _AMENITY_BIT, "amenity")


@lru_cache(maxsize=8192)
def amenity_codes(mask: int) -> tuple[str, ...]:
    """Amenity codes of a mask, in vocabulary order (cached: registries reuse few combinations)."""
    return tuple(code for code, bit in _AMENITY_BIT.items() if mask & bit)


def worker_mask(codes) -> int:
    """Bit mask of worker-type codes; "all" stands for every type. Raises UnknownCode."""
    codes = list(codes)
    if ALL_WORKERS in codes:
        return ALL_WORKERS_MASK
    return _mask(codes, _WORKER_BIT, "worker type")


def worker_codes(mask: int) -> list[str]:
    """Worker-type codes of a mask; ["all"] when every type is eligible."""
    if mask == ALL_WORKERS_MASK:
        return [ALL_WORKERS]
    return [code for code, bit in _WORKER_BIT.items() if mask & bit]


def label(term: Term) -> str:
    """The bilingual label the admin and the model choices show: "司机之家 / Driver home"."""
    return f"{term.zh} / {term.en}"


def choices(terms: tuple[Term, ...]) -> list[tuple[str, str]]:
    """Django-style (value, label) choices with bilingual labels."""
    return [(term.code, label(term)) for term in terms]


def choice_members(terms: tuple[Term, ...]) -> list[tuple[str, tuple[str, str]]]:
    """(MEMBER_NAME, (code, label)) pairs for Django's functional TextChoices API."""
    return [(term.code.upper(), (term.code, label(term))) for term in terms]
