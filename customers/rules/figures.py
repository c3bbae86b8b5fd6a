"""Latest financial figures (DOMAIN §2 operating status): one definition for the dossier, the figures form, the
credit profile's net worth and the suggested 5C ratings."""

from collections.abc import Iterable
from datetime import date
from typing import Protocol, TypeVar


class DatedFigure(Protocol):
    metric: str
    as_of: date


Figure = TypeVar("Figure", bound=DatedFigure)


def latest_by_metric(figures: Iterable[Figure]) -> dict[str, Figure]:
    """Per metric, the figure with the latest ``as_of`` date (one per metric and date, a database constraint)."""
    latest: dict[str, Figure] = {}
    for figure in figures:
        if figure.metric not in latest or figure.as_of > latest[figure.metric].as_of:
            latest[figure.metric] = figure
    return latest
