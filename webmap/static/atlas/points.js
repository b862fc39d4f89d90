  /* Facility points over a map's areas (geo/maps/points.py): one layer per points= token,
   * filled markers for sourced sites, hollow dashed rings for district-only (approximate)
   * points, as on the corridor maps; a tap or click opens one popup. */
  function drawPoints(map, o, shiftToGcj02) {
    if (!o || !o.layers || !o.layers.length) { return {}; }
    if (!map.getPane("jjjPoints")) { map.createPane("jjjPoints").style.zIndex = 620; }
    var renderer = L.svg({ pane: "jjjPoints" }), W = o.labels, out = {};
    o.layers.forEach(function (layer) {
      var group = L.layerGroup();
      layer.features.forEach(function (p) {
        var pos = shiftToGcj02 ? gcjOffset(p.lon, p.lat) : [p.lon, p.lat];
        var marker = L.circleMarker([pos[1], pos[0]], p.approximate ? {
          renderer: renderer, className: "jjj-point jjj-point-approximate", radius: 7,
          weight: 2.5, dashArray: "3 2", color: layer.color, fillOpacity: 0
        } : {
          renderer: renderer, className: "jjj-point jjj-point-site", radius: 5.5, weight: 1.5,
          color: "#ffffff", fillColor: layer.color, fillOpacity: 0.95
        });
        var lines = [nameHtml(p), escapeHtml(W[p.category] || p.category) + " \u00b7 " +
          escapeHtml(W[p.tier] || p.tier) + (p.grade ? " \u00b7 " + escapeHtml(W[p.grade] || p.grade) : ""),
          p.approximate ? "<strong class=\"jjj-approximate\">" + escapeHtml(W.approximate) + "</strong>"
                        : escapeHtml(W.site_located),
          "<small>" + escapeHtml(W.source) + ": <span class=\"citation\">" +
            escapeHtml(inLang(p, "source", o.lang)) +
            "</span></small>"];
        // Panned clear of the zoom buttons (top left) when it opens.
        marker.bindPopup(lines.join("<br>"), popupOptions(map, 300, "jjj-tap"));
        group.addLayer(marker);
      });
      group.addTo(map);
      out[layer.token] = group;
      markLoaded(map, "points-" + layer.token, layer.features.length);
    });
    markLoaded(map, "points-drawn", o.layers.reduce(function (n, l) { return n + l.features.length; }, 0));
    return out;
  }
  JJJAtlas.drawPoints = drawPoints;

