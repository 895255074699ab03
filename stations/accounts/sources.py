"""Which sources an organisation's managers may write in (a station is named by its
``(source, external_id)``; the batch API lets a caller name the source).

An organisation owns the source ``org:<name>`` of itself and of every organisation below it — a
city union acts for its districts, as its jurisdiction covers theirs — and no other. That is
also every source it can have imported into: uploads (stations.imports.uploads) write only into
the uploader's ``org:<name>``, recording the upload in each station's history. Sources loaded by
an operator with ``manage.py import_stations --source …`` (the OpenStreetMap demo, a registry's
export) belong to no union: managers change those stations by id (PATCH /manage/stations/{id}),
never by ``(source, external_id)`` in a batch, and cannot create stations in them.

Writing in a source is not seeing its stations: that is still the jurisdiction's
(stations.accounts.jurisdiction). A refusal never depends on which stations exist.
"""

from dataclasses import dataclass

from stations.models import Organisation


@dataclass(frozen=True)
class OwnedSources:
    organisation_name: str
    own: str
    below: frozenset[str]

    def __contains__(self, source: str) -> bool:
        return source == self.own or source in self.below

    def refusal(self, source: str) -> str:
        """Why ``source`` is refused: the same words whether or not it holds any station."""
        below = " and those of the organisations below it (org:<name>)" if self.below else ""
        return (
            f"you may not write in source {source!r}: {self.organisation_name} writes only in its own source"
            f" {self.own!r}{below} (see the managers' section of the README)"
        )


def owned_sources(organisation: Organisation) -> OwnedSources:
    """The sources ``organisation`` owns (a query per level below it, as Organisation.descendants)."""
    below = frozenset(member.source_name for member in organisation.descendants())
    return OwnedSources(organisation.name, organisation.source_name, below)
