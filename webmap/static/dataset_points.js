// The points of a published point table (WGS 84 GeoJSON from /download/points.geojson),
// drawn as circle markers coloured by category, with a popup of the row as uploaded
// (escaped). Shifted to GCJ-02 on a GCJ-02 basemap, like every other layer.
(function () {
  "use strict";
  var A = window.JJJAtlas;
  if (!A) return;
  A.datasetPoints = function (map, o) {
    fetch(o.url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status + " " + o.url);
        return response.json();
      })
      .then(function (data) {
        var group = L.featureGroup();
        (data.features || []).forEach(function (f) {
          var p = f.properties || {};
          var c = f.geometry.coordinates;
          var pos = o.shiftToGcj02 ? A.wgs84ToGcj02(c[0], c[1]) : c;
          var color = o.colors[p.category] || o.other;
          var marker = L.circleMarker([pos[1], pos[0]], {
            radius: 5, color: "#222", weight: 0.8, fillColor: color, fillOpacity: 0.9,
            className: "jjj-dataset-point",
          });
          var rows = Object.keys(p).filter(function (k) {
            return ["county", "prefecture", "lon_given", "lat_given", "datum"].indexOf(k) < 0;
          }).map(function (k) {
            return "<tr><th>" + A.escapeHtml(k) + "</th><td>" + A.escapeHtml(p[k]) + "</td></tr>";
          });
          marker.bindPopup("<table class=\"jjj-popup-table\">" + rows.join("") + "</table>");
          marker.bindTooltip(A.escapeHtml(p.name || p.category || ("#" + p.row)));
          group.addLayer(marker);
        });
        group.addTo(map);
        if (group.getLayers().length) {
          map.fitBounds(group.getBounds(), { padding: [16, 16], maxZoom: 12, animate: false });
        }
        var el = map.getContainer();
        el.setAttribute("data-points-drawn", String(group.getLayers().length));
        document.body.setAttribute("data-points-drawn", String(group.getLayers().length));
      })
      .catch(function (err) {
        document.body.setAttribute("data-points-error", String(err));
      });
  };
})();
