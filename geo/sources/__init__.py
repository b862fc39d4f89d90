"""Where the atlas's data comes from: bundled boundaries, indicators, facilities, zones and
links read from ``data/``, computed indicators, and the tables people upload and publish.

Everything here returns WGS 84 (EPSG:4326) frames keyed by 6-digit adcode or facility id.
"""
