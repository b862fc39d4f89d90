// The points of a published point table (WGS 84 GeoJSON from /download/points.geojson,
// or inline for the preview of a table not yet published),
// drawn as circle markers coloured by category, with a popup of the row as uploaded
// (escaped). Shifted to GCJ-02 on a GCJ-02 basemap, like every other layer.
(function () {
  "use strict";
  var A = window.JJJAtlas;
  if (!A) return;
  A.datasetPoints = function (map, o) {
    // Its own pane above the areas (drawn whenever their data arrives) and below popups.
    var pane = map.getPane("jjjDatasetPoints") || map.createPane("jjjDatasetPoints");
    pane.style.zIndex = 620;
    if (o.outlineUrl && window.topojson) {
      // Unit outlines for context (the embed has no areas of its own).
      fetch(o.outlineUrl, { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (topo) {
          var shapes = window.topojson.feature(topo, topo.objects.regions);
          L.geoJSON(shapes, {
            coordsToLatLng: function (c) {
              var p = o.shiftToGcj02 ? A.wgs84ToGcj02(c[0], c[1]) : c;
              return L.latLng(p[1], p[0]);
            },
            style: { color: "#8a8a8a", weight: 0.8, fillColor: "#f4f4f0", fillOpacity: 0.7 },
            interactive: false,
          }).addTo(map);
        })
        .catch(function () {});
    }
    // o.features: the points inline (an unpublished table's preview); o.url: a download.
    var loaded = o.features ? Promise.resolve(o.features) : fetch(o.url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status + " " + o.url);
        return response.json();
      });
    loaded
      .then(function (data) {
        var group = L.featureGroup();
        (data.features || []).forEach(function (f) {
          var p = f.properties || {};
          var c = f.geometry.coordinates;
          var pos = o.shiftToGcj02 ? A.wgs84ToGcj02(c[0], c[1]) : c;
          var color = o.colors[p.category] || o.other;
          var marker = L.circleMarker([pos[1], pos[0]], {
            radius: 5, color: "#222", weight: 0.8, fillColor: color, fillOpacity: 0.9,
            className: "jjj-dataset-point", pane: "jjjDatasetPoints",
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
          var fit = function () {
            map.fitBounds(group.getBounds(), { padding: [30, 30], maxZoom: 12, animate: false });
          };
          var moved = false, fitting = false;
          fitting = true; fit(); fitting = false;
          // Fit again when the frame is resized (a phone rotated), until the reader moves.
          map.on("zoomstart dragstart", function () { if (!fitting) { moved = true; } });
          map.on("resize", function () { if (!moved) { fitting = true; fit(); fitting = false; } });
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
