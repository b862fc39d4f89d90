"""User datasets: check an uploaded table, publish it, and map its columns like indicators.

:func:`check_upload` reads a file (:mod:`geo.sources.uploads`), finds the level and key column by
match rate (:func:`geo.sources.matching.join_table`), reads each value column as numbers
(:mod:`geo.sources.numbers`) and reports what did not match or parse. :func:`publish` and
:func:`replace` write it to the store (:mod:`geo.store`) as one immutable version.
:class:`DatasetColumn` is one column of one version, an
:class:`~geo.sources.indicator_sources.IndicatorSource` like a bundled indicator.

User text (titles, column names, cells) is kept exactly as given and escaped where shown.

The code lives in five modules, by what a reader looks for; this module gathers their names
so that callers import them from one place:

- :mod:`geo.sources.dataset_check`: :func:`check_upload`, :class:`CheckedUpload`,
  :func:`check_publishable` (reading, joining and parsing an upload; the report);
- :mod:`geo.sources.dataset_keys`: :func:`detect` (level and key column), :func:`join_distinct`,
  :func:`closest_units`, the publisher's matches (:func:`parse_matches`, :func:`apply_matches`);
- :mod:`geo.sources.dataset_years`: long and wide tables (:func:`year_of`,
  :func:`find_year_column`, :func:`wide_year_columns`);
- :mod:`geo.sources.dataset_publish`: metadata (:func:`read_metadata`, :func:`next_metadata`),
  the stored version (:func:`new_version`), :func:`publish` and :func:`replace`;
- :mod:`geo.sources.dataset_columns`: :class:`DatasetColumn`, :func:`dataset_column`,
  :func:`dataset_sources`, :func:`dataset_dict`.
"""

from __future__ import annotations

from geo.sources.dataset_check import (
    MAX_LISTED,
    MAX_SUGGESTED,
    PROVINCE_PREFIXES,
    CheckedUpload,
    check_publishable,
    check_upload,
)
from geo.sources.dataset_columns import (
    RESERVED,
    DatasetColumn,
    _decimals,
    _not_links,
    _parse_version,
    dataset_column,
    dataset_dict,
    dataset_sources,
)
from geo.sources.dataset_keys import (
    MAX_MATCHES,
    NUMERIC_SHARE,
    VALID_MATCHES,
    _join,
    _key_kind,
    _unit_names,
    apply_matches,
    closest_units,
    detect,
    join_distinct,
    parse_matches,
)
from geo.sources.dataset_publish import (
    LICENCES,
    MAX_TEXT,
    MAX_TITLE,
    _new_version,
    _text,
    new_version,
    next_metadata,
    publish,
    read_metadata,
    replace,
)
from geo.sources.dataset_years import (
    WIDE_VALUE_NAME,
    YEAR_NAMES,
    _duplicated_years,
    find_year_column,
    wide_year_columns,
    year_of,
)

# Every name this module held before it was split, private ones included (other modules of
# geo.sources and the tests use some of them).
__all__ = [
    "LICENCES",
    "MAX_LISTED",
    "MAX_MATCHES",
    "MAX_SUGGESTED",
    "MAX_TEXT",
    "MAX_TITLE",
    "NUMERIC_SHARE",
    "PROVINCE_PREFIXES",
    "RESERVED",
    "VALID_MATCHES",
    "WIDE_VALUE_NAME",
    "YEAR_NAMES",
    "CheckedUpload",
    "DatasetColumn",
    "_decimals",
    "_duplicated_years",
    "_join",
    "_key_kind",
    "_new_version",
    "_not_links",
    "_parse_version",
    "_text",
    "_unit_names",
    "apply_matches",
    "check_publishable",
    "check_upload",
    "closest_units",
    "dataset_column",
    "dataset_dict",
    "dataset_sources",
    "detect",
    "find_year_column",
    "join_distinct",
    "new_version",
    "next_metadata",
    "parse_matches",
    "publish",
    "read_metadata",
    "replace",
    "wide_year_columns",
    "year_of",
]
