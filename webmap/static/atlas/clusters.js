/* A LISA cluster map (/maps/clusters): units coloured by their local Moran class
 * (o.colors by class id; units outside the analysis white and dashed), tooltips with value,
 * neighbours' mean, p-value and class; keyboard access as on the choropleth. */
(function (global) {
  "use strict";
  var JJJAtlas = global.JJJAtlas, esc = JJJAtlas.escapeHtml;
  function shift(coords) {
    if (typeof coords[0] === "number") { return JJJAtlas.wgs84ToGcj02(coords[0], coords[1]); }
    return coords.map(shift);
  }
  JJJAtlas.clusters = function (map, o) {
    JJJAtlas.setup(map, o);
    function fmt(v) {
      if (v === null || v === undefined) { return null; }
      var d = (o.decimals === null || o.decimals === undefined) ? (Number.isInteger(v) ? 0 : 1) : o.decimals;
      return Number(v).toLocaleString(o.lang === "zh" ? "zh-CN" : "en-US",
        { minimumFractionDigits: d, maximumFractionDigits: d });
    }
    function classOf(p) { return p.cluster || "outside"; }
    function label(p) {
      var text = p.name_zh + (p.name_en ? " " + p.name_en : "");
      if (p.special) { return text + " (" + o.specialLabel + ")"; }
      var v = fmt(p.value);
      text += "; " + o.valueLabel + ": " + (v === null ? o.noData : v + " " + o.unit);
      if (p.status === "island") { return text + "; " + o.islandLabel; }
      if (p.cluster) {
        text += "; " + o.lagLabel + ": " + fmt(p.spatial_lag) + "; " +
          (p.p_text || (o.pLabel + ": " + Number(p.p_value).toFixed(3)));
      }
      return text + "; " + o.labels[classOf(p)];
    }
    function tooltip(f) {
      var p = f.properties;
      return label(p).split("; ").map(function (part, i) {
        return i === 0 ? "<strong>" + esc(part) + "</strong>" : esc(part);
      }).join("<br>");
    }
    // o.url: the light map TopoJSON (geometry and names), o.units: adcode → [status, value,
    // spatial lag, p-value, class, p-value as text] of the analysis (a GeoJSON with those properties works too).
    function withUnits(data) {
      var geojson = data.type === "Topology"
        ? global.topojson.feature(data, data.objects[o.object || "regions"]) : data;
      if (!o.units) { return geojson; }
      geojson.features.forEach(function (f) {
        var p = f.properties, u = o.units[p.adcode];
        if (!u) { u = [p.special ? "overlay" : "no_value", null, null, null, null, null]; }
        p.status = u[0]; p.value = u[1]; p.spatial_lag = u[2]; p.p_value = u[3];
        p.cluster = u[4]; p.p_text = u[5];
      });
      return geojson;
    }
    return fetch(o.url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(o.url + ": HTTP " + r.status); }
      return r.json();
    }).then(withUnits).then(function (geojson) {
      if (o.shiftToGcj02) {
        geojson.features.forEach(function (f) {
          if (f.geometry) { f.geometry.coordinates = shift(f.geometry.coordinates); }
        });
      }
      var regular = geojson.features.filter(function (f) { return !f.properties.special; });
      var special = geojson.features.filter(function (f) { return f.properties.special; });
      function style(f) {
        var p = f.properties;
        if (p.special) {
          return { className: "jjj-cluster-special", color: "#7a0177", weight: 2,
                   dashArray: "6 4", fill: false };
        }
        var outside = !p.cluster;
        return { className: "jjj-cluster jjj-cluster-" + classOf(p),
                 color: outside ? "#969696" : "#8c8c8c", weight: outside ? 1 : 0.5,
                 dashArray: outside ? "3 3" : null, fillColor: o.colors[classOf(p)],
                 fillOpacity: 0.9 };
      }
      var group, overlay;
      function bind(f, layer) {
        layer.bindTooltip(tooltip(f), { sticky: true, className: "jjj-tooltip" });
        layer.bindPopup(tooltip(f), { className: "jjj-tap", maxWidth: 260 });
        layer.on("mouseover", function () { layer.setStyle({ weight: 2.5, color: "#333" }); });
        layer.on("mouseout", function () {
          (f.properties.special ? overlay : group).resetStyle(layer);
        });
      }
      group = L.geoJSON({ type: "FeatureCollection", features: regular },
                        { style: style, onEachFeature: bind }).addTo(map);
      overlay = L.geoJSON({ type: "FeatureCollection", features: special },
                          { style: style, onEachFeature: bind }).addTo(map);
      if (group.getBounds().isValid()) {
        map.fitBounds(group.getBounds(), { padding: [8, 8], animate: false });
      }
      JJJAtlas.makeFocusable([group, overlay], {
        label: function (f) { return label(f.properties); },
        highlight: function (layer) { layer.setStyle({ weight: 2.5, color: "#333" }); },
        unhighlight: function (layer) {
          (layer.feature.properties.special ? overlay : group).resetStyle(layer);
        }
      });
      JJJAtlas.layers.push(group, overlay);
      map.getContainer().setAttribute("data-clusters-drawn", String(regular.length));
      document.body.setAttribute("data-clusters-drawn", String(regular.length));
      return group;
    });
  };
})(window);
