  /* Cooperation links as curved arcs origin -> destination, coloured by kind, width by
   * weight (or by the number of links between the same two ends), an arrowhead at the
   * destination, ends as markers (hollow when the end has no sourced coordinate and is
   * drawn at its unit's centre) and popups citing each link's source. */
  function drawLinks(map, data, o) {
    var L_ = o.labels, pairs = {}, arrows = [];
    data.features.forEach(function (f) {
      var key = f.properties.from + ">" + f.properties.to;
      pairs[key] = (pairs[key] || 0) + 1;
    });
    function width(p) {
      if (p.weight !== null && p.weight !== undefined && o.maxWeight) {
        return 2 + 6 * p.weight / o.maxWeight;
      }
      return 1.5 + 1.5 * pairs[p.from + ">" + p.to];
    }
    function twoNames(zh, en) {
      return "<span lang=\"zh\">" + escapeHtml(zh) + "</span>" +
        (en ? " <span lang=\"en\">" + escapeHtml(en) + "</span>" : "");
    }
    function popup(p) {
      var since = (p.since === null || p.since === undefined) ? L_.unknown_year : p.since;
      var html = "<strong>" + escapeHtml(o.kindLabels[p.kind] || p.kind) + "</strong><br>" +
        escapeHtml(L_.from) + ": " + twoNames(p.from_name_zh, p.from_name_en) +
        "<br>" + escapeHtml(L_.to) + ": " + twoNames(p.to_name_zh, p.to_name_en) +
        "<br>" + escapeHtml(L_.since) + ": " + escapeHtml(since);
      if (p.weight !== null && p.weight !== undefined) {
        html += "<br>" + escapeHtml(p.weight) + " " + escapeHtml(p.weight_unit);
      }
      var note = inLang(p, "note", o.lang);
      if (note) { html += "<br><small class=\"jjj-link-note\">" + escapeHtml(truncate(note, 240)) + "</small>"; }
      html += "<br><small>" + escapeHtml(L_.source) + ": <a href=\"" + escapeHtml(p.source_url) +
        "\" rel=\"noopener noreferrer\" target=\"_blank\">" + escapeHtml(truncate(p.source_title, 120)) +
        "</a>, <span class=\"jjj-link-publisher\">" +
        escapeHtml(inLang(p, "source_publisher", o.lang)) + "</span>" +
        (p.source_date ? ", " + escapeHtml(p.source_date) : "") + "</small>";
      return html;
    }
    var lines = L.geoJSON(data, {
      style: function (f) {
        return { className: "jjj-link jjj-link-" + f.properties.kind,
                 color: o.kindColors[f.properties.kind] || "#333", weight: width(f.properties),
                 opacity: 0.85, lineCap: "round" };
      },
      onEachFeature: function (f, layer) {
        layer.bindPopup(popup(f.properties), popupOptions(map, 340));
        if (!touchOnly) {  // a tap opens the popup alone
          layer.bindTooltip(escapeHtml(f.properties.from_name_zh) + " \u2192 " +
            escapeHtml(f.properties.to_name_zh), { sticky: true, className: "jjj-tooltip" });
        }
        var coords = f.geometry.coordinates, n = coords.length;
        var arrow = L.polygon([[0, 0], [0, 0], [0, 0]], {
          className: "jjj-link-arrow", color: o.kindColors[f.properties.kind] || "#333",
          weight: 1, fillOpacity: 0.95, interactive: false
        }).addTo(map);
        arrows.push({ polygon: arrow, tip: L.latLng(coords[n - 1][1], coords[n - 1][0]),
                      back: L.latLng(coords[n - 3][1], coords[n - 3][0]),
                      size: 5 + width(f.properties) });
      }
    }).addTo(map);
    function placeArrows() {
      arrows.forEach(function (a) {
        var tip = map.latLngToLayerPoint(a.tip), back = map.latLngToLayerPoint(a.back);
        var dx = tip.x - back.x, dy = tip.y - back.y, len = Math.sqrt(dx * dx + dy * dy) || 1;
        var ux = dx / len, uy = dy / len, s = a.size;
        var base = L.point(tip.x - ux * s * 1.6, tip.y - uy * s * 1.6);
        a.polygon.setLatLngs([
          map.layerPointToLatLng(tip),
          map.layerPointToLatLng(L.point(base.x - uy * s * 0.7, base.y + ux * s * 0.7)),
          map.layerPointToLatLng(L.point(base.x + uy * s * 0.7, base.y - ux * s * 0.7))
        ]);
      });
    }
    map.on("zoomend", placeArrows);
    var ends = (data.endpoints || []).map(function (e) {
      var pos = o.shiftToGcj02 ? gcjOffset(e.lon, e.lat) : [e.lon, e.lat];
      var exact = e.precision === "site" || e.precision === "area";
      var marker = L.circleMarker([pos[1], pos[0]], {
        className: "jjj-link-end" + (exact ? "" : " jjj-link-end-approx"),
        radius: 4 + Math.min(e.links, 6), weight: 2, color: "#252525",
        fillColor: exact ? "#252525" : "#ffffff", fillOpacity: exact ? 0.9 : 0.7,
        dashArray: exact ? null : "2 2"
      });
      marker.bindTooltip(nameHtml(e) + "<br>" + escapeHtml(e.links) + " " + escapeHtml(L_.links) +
        (exact ? "" : "<br><em>" + escapeHtml(L_.approximate) + "</em>"),
        { className: "jjj-tooltip" });
      return marker.addTo(map);
    });
    return { lines: lines, ends: ends, placeArrows: placeArrows };
  }

  /* The links map: units shaded by incoming links (classes decided on the server), links. */
  JJJAtlas.links = function (map, o) {
    setup(map, o);
    var units = fetchGeoJSON(o.regionsUrl, { object: "regions", shiftToGcj02: o.shiftToGcj02 });
    return Promise.all([units, fetchGeoJSON(o.url, o)]).then(function (parts) {
      var data = parts[1], incoming = data.incoming || {}, L_ = o.labels;
      var regular = parts[0].features.filter(function (f) { return !f.properties.special; });
      var shaded = L.geoJSON({ type: "FeatureCollection", features: regular }, {
        style: function (f) {
          var entry = incoming[f.properties.adcode];
          var value = entry ? entry[o.shadeBy || "count"] : null, lower = entry && entry.lower_bound;
          /* Dashed grey border: a lower bound (links end in its city or province at an
           * unknown finer unit). */
          return { className: "jjj-region" + (lower ? " jjj-region-lower-bound" : ""),
                   color: lower ? "#737373" : "#ffffff", weight: lower ? 1 : 0.8,
                   dashArray: lower ? "3 3" : null,
                   fillColor: classColor(value, o.bins, o.colors, o.missingColor),
                   fillOpacity: 0.75 };
        },
        onEachFeature: function (f, layer) {
          var entry = incoming[f.properties.adcode] || { count: 0 };
          layer.bindTooltip(nameHtml(f.properties) + "<br>" + escapeHtml(L_.incoming) + ": " +
            escapeHtml(entry.count) +
            (o.shadeBy === "weight" ? "<br>" + escapeHtml(o.shadeLabel) + ": " +
              escapeHtml(entry.weight) : "") +
            (entry.lower_bound ? " (" + escapeHtml(L_.lower_bound) + ")" : ""),
            { sticky: true, className: "jjj-tooltip" });
        }
      }).addTo(map);
      var drawn = drawLinks(map, data, o);
      var bounds = shaded.getBounds();
      if (bounds.isValid()) { fitKeepingFit(map, bounds); }
      drawn.placeArrows();
      var labels = drawLabels(map, o, null);
      if (labels) { bindToggles(map, { labels: labels.layer, place: labels.place }); }
      JJJAtlas.layers.push(shaded, drawn.lines);
      markLoaded(map, "regions-drawn", regular.length);
      markLoaded(map, "ends-drawn", drawn.ends.length);
      markLoaded(map, "links-drawn", data.features.length);
    }).catch(function (err) {
      showError(map, loadErrorText(o, err));
      throw err;
    });
  };

