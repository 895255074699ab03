"""Parsing comma-separated vocabulary codes from query strings."""

from stations import vocabulary as vocab
from stations.errors import BadRequest
from stations.search.sql import Filters


def parse_codes(text: str | None, allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    """'a,b' -> ('a', 'b'), each checked against ``allowed``; None or '' -> ()."""
    if not text:
        return ()
    codes = tuple(dict.fromkeys(code.strip() for code in text.split(",") if code.strip()))
    unknown = [code for code in codes if code not in allowed]
    if unknown:
        raise BadRequest(f"unknown {what} {', '.join(map(repr, unknown))}; allowed: {', '.join(allowed)}")
    return codes


def build_filters(kind: str | None, amenity: str | None, status: str | None, worker: str | None = None) -> Filters:
    """The store-side filters of a riders' query; only open stations unless ``status`` says otherwise."""
    return Filters(
        statuses=parse_codes(status, vocab.STATUS_CODES, "status") or ("open",),
        kinds=parse_codes(kind, vocab.KIND_CODES, "kind"),
        amenity_mask=vocab.amenity_mask(parse_codes(amenity, vocab.AMENITY_CODES, "amenity")),
        worker_mask=vocab.worker_mask(parse_codes(worker, vocab.WORKER_CODES, "worker")),
    )
