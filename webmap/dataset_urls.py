"""Every URL of a published dataset version by what it is (page, API, map, embed,
downloads), for the dataset pages, the publish answer and the catalogue lists."""

from __future__ import annotations

from flask import url_for

from geo.sources import point_tables as pt


def dataset_links(
    dataset_id: str, version: int | None = None, kind: str = "values"
) -> dict[str, str]:
    v = {"v": version} if version else {}
    page = (
        url_for("datasets.version_page", dataset_id=dataset_id, version=version, _external=True)
        if version
        else url_for("datasets.dataset_page", dataset_id=dataset_id, _external=True)
    )
    common = {
        "page": page,
        "api": url_for("datasets_api.dataset", dataset_id=dataset_id, **v, _external=True),
    }
    if kind == "links":
        return {
            **common,
            "map": url_for("links.page", dataset=dataset_id, **v, _external=True),
            "embed": url_for("links.embed", dataset=dataset_id, **v, _external=True),
            "links_api": url_for("links.api", dataset=dataset_id, **v, _external=True),
            "geojson": url_for(
                "links.download", fmt="geojson", dataset=dataset_id, **v, _external=True
            ),
            "csv": url_for("links.download", fmt="csv", dataset=dataset_id, **v, _external=True),
        }
    if kind == "points":
        point = {"dataset": dataset_id, **v, "_external": True}
        return {
            **common,
            "map": page,
            "embed": url_for("point_datasets.embed", **point),
            "geojson": url_for("point_datasets.download", fmt="geojson", **point),
            "csv": url_for("point_datasets.download", fmt="csv", **point),
            "gpkg": url_for("point_datasets.download", fmt="gpkg", **point),
            "counts_map": url_for(
                "pages.choropleth", dataset=dataset_id, column=pt.COUNT_COLUMN, **v, _external=True
            ),
            # The points over the bundled population choropleth (the Facilities control).
            "over_choropleth": url_for(
                "pages.choropleth",
                indicator=pt.POPULATION_INDICATOR,
                points=f"dataset:{dataset_id}" + (f"@{version}" if version else ""),
                _external=True,
            ),
        }
    return {
        **common,
        "map": url_for("pages.choropleth", dataset=dataset_id, **v, _external=True),
        "geojson": url_for("downloads.regions_geojson", dataset=dataset_id, **v, _external=True),
        "csv": url_for("downloads.regions_csv", dataset=dataset_id, **v, _external=True),
        "topojson": url_for("downloads.regions_topojson", dataset=dataset_id, **v, _external=True),
    }


# --- JSON API --------------------------------------------------------------------------
