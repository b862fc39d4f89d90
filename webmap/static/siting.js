/* The siting map (/maps/siting, webmap/access.py): counties coloured by coverage status
 * (newly covered by the chosen sites, already covered by existing sites, still beyond the
 * radius), existing and chosen sites as point layers, place names; tooltips name the
 * county and its status; keyboard access as on the choropleth. Loaded after atlas.js. */
(function (global) {
  "use strict";
  var JJJAtlas = global.JJJAtlas, esc = JJJAtlas.escapeHtml;
  function shift(coords) {
    if (typeof coords[0] === "number") { return JJJAtlas.wgs84ToGcj02(coords[0], coords[1]); }
    return coords.map(shift);
  }
  function mark(map, key, value) {
    map.getContainer().setAttribute("data-" + key, String(value));
    document.body.setAttribute("data-" + key, String(value));
  }
  JJJAtlas.siting = function (map, o) {
    JJJAtlas.setup(map, o);
    function statusOf(p) { return o.status[p.adcode] || "not_covered"; }
    function label(p) {
      return p.name_zh + (p.name_en ? " " + p.name_en : "") + "; " + o.statusLabel + ": " +
        o.labels[statusOf(p)];
    }
    function tooltip(f) {
      return label(f.properties).split("; ").map(function (part, i) {
        return i === 0 ? "<strong>" + esc(part) + "</strong>" : esc(part);
      }).join("<br>");
    }
    return fetch(o.url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(o.url + ": HTTP " + r.status); }
      return r.json();
    }).then(function (data) {
      var geojson = data.type === "Topology" ? global.topojson.feature(data, data.objects.regions) : data;
      if (o.shiftToGcj02) {
        geojson.features.forEach(function (f) {
          if (f.geometry) { f.geometry.coordinates = shift(f.geometry.coordinates); }
        });
      }
      var counties = geojson.features.filter(function (f) { return !f.properties.special; });
      function style(f) {
        var s = statusOf(f.properties);
        return { className: "jjj-siting jjj-siting-" + s, color: s === "newly_covered" ? "#7f2704" : "#bdbdbd",
                 weight: s === "newly_covered" ? 1.2 : 0.6, fillColor: o.colors[s], fillOpacity: 0.85 };
      }
      var group;
      function bind(f, layer) {
        layer.bindTooltip(tooltip(f), { sticky: true, className: "jjj-tooltip" });
        layer.bindPopup(tooltip(f), { className: "jjj-tap", maxWidth: 260 });
        layer.on("mouseover", function () { layer.setStyle({ weight: 2.5, color: "#333" }); });
        layer.on("mouseout", function () { group.resetStyle(layer); });
      }
      group = L.geoJSON({ type: "FeatureCollection", features: counties },
                        { style: style, onEachFeature: bind }).addTo(map);
      if (group.getBounds().isValid()) {
        map.fitBounds(group.getBounds(), { padding: [8, 8], animate: false });
      }
      JJJAtlas.makeFocusable([group], {
        label: function (f) { return label(f.properties); },
        highlight: function (layer) { layer.setStyle({ weight: 2.5, color: "#333" }); },
        unhighlight: function (layer) { group.resetStyle(layer); }
      });
      JJJAtlas.layers.push(group);
      var labels = JJJAtlas.drawLabels(map, o, null);
      var points = JJJAtlas.drawPoints(map, o.points, o.shiftToGcj02), toggles = {};
      Object.keys(points).forEach(function (token) { toggles["points:" + token] = points[token]; });
      if (labels) { toggles.labels = labels.layer; }
      var frame = map.getContainer().parentNode;
      Array.prototype.forEach.call(frame.querySelectorAll("input[data-jjj-toggle]"), function (box) {
        var layer = toggles[box.getAttribute("data-jjj-toggle")];
        if (!layer) { return; }
        box.disabled = false;
        box.addEventListener("change", function () {
          if (box.checked) { layer.addTo(map); } else { map.removeLayer(layer); }
          if (box.checked && labels && box.getAttribute("data-jjj-toggle") === "labels") { labels.place(); }
        });
      });
      mark(map, "siting-drawn", counties.length);
      return group;
    });
  };
})(window);
