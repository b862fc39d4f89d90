"""What a map shows, decided without a web server: map specs (choropleth, corridor, links),
basemaps, and the map described in words and rows (data table, alt text).

The web pages (webmap) and the static exports (:mod:`geo.render`) draw the same specs.
"""
