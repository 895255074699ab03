"""A stored coverage run drawn as a PNG with mapdraw: the run's district
outlines, its qualifying stations by kind, the H3 cells shaded by uncovered demand, the last
suggested sites, a legend, a scale bar and a title with the date and the parameters."""

from shapely.geometry import shape

from mapdraw import District, planning_map_png
from stations import vocabulary as vocab
from stations.models import CoverageRun
from stations.planning.coverage import uncovered_gaps
from stations.search.hours import STATION_TZ

# The legend names kinds as the vocabulary does: bilingual like the title, English alone without a CJK font.
KIND_LABELS = {term.code: f"{term.zh} {term.en}" for term in vocab.KINDS}
KIND_LABELS_EN = {term.code: term.en for term in vocab.KINDS}


def run_title(run: CoverageRun) -> tuple[str, str]:
    """(title, subtitle) of a run's map, e.g. ('南山区 · 500 m 服务覆盖 coverage 74.6%', '2026-12-01 · ...')."""
    p = run.parameters
    overall = run.summary["overall"]
    radius = f"{p['radius_m']:g} m"
    title = f"{p['area']} · {radius} 服务覆盖 coverage {overall['coverage'] * 100:.1f}%"
    parts = [
        run.created_at.astimezone(STATION_TZ).strftime("%Y-%m-%d %H:%M"),
        f"需求 demand: {p['dataset']} ({overall['demand_points']} points)",
        "kinds: " + ", ".join(p["kinds"]),
    ]
    if p.get("worker"):
        parts.append(f"worker: {p['worker']}")
    if p.get("at"):
        parts.append(f"open at {p['at'][:16].replace('T', ' ')}")
    parts.append(f"H3 res {p['resolution']}")
    return title, " · ".join(parts)


def render_run_png(run: CoverageRun, width_px: int = 1200) -> bytes:
    layers = run.layers
    districts = [District(d["name"], shape(d["geometry"]), highlight=True) for d in layers["districts"]]
    if not districts:
        districts = [District(run.parameters["area"], shape(layers["area"]), highlight=True)]
    hexes = [([tuple(v) for v in g["boundary"]], g["uncovered_weight"]) for g in uncovered_gaps(run.gaps)]
    sites = [tuple(s["wgs84"]) for s in (run.sites or {}).get("sites", [])]
    title, subtitle = run_title(run)
    return planning_map_png(
        districts,
        stations=[tuple(s) for s in run.stations],
        hexes=hexes,
        sites=sites,
        title=title,
        subtitle=subtitle,
        width_px=width_px,
        kind_labels=KIND_LABELS,
        kind_labels_en=KIND_LABELS_EN,
        demand_label="未覆盖需求 uncovered demand",
    )
