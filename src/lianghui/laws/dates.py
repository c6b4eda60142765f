"""Dates shown as precisely as their source states them."""

from __future__ import annotations

import datetime as dt

from django.utils import formats

from .enums import DatePrecision


def shown(date: dt.date | None, precision: str = DatePrecision.DAY) -> str:
    """ "4 January 2022", "July 2021" or "2021", in the active language's format."""
    if date is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(date.year)
    if precision == DatePrecision.MONTH:
        return formats.date_format(date, "YEAR_MONTH_FORMAT")
    return formats.date_format(date, "DATE_FORMAT")


def machine(date: dt.date | None, precision: str = DatePrecision.DAY) -> str:
    """The ISO form for ``<time datetime>`` and the API: 2022-01-04, 2021-07, 2021."""
    if date is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{date.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{date.year:04d}-{date.month:02d}"
    return date.isoformat()
