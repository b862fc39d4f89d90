"""Serialising frames for people and programs: GeoJSON (RFC 7946), CSV, TopoJSON,
GeoPackage, Shapefile, and OGC API – Features documents."""
