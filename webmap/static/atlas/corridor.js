  var CATEGORY_COLORS = { hospital: "#e31a1c", park: "#1f78b4", base: "#33a02c" };

  /* A corridor: faint context units, the zone's members, distance band, line, facilities. */
  JJJAtlas.corridor = function (map, o) {
    setup(map, o);
    var context = o.contextUrl ? fetchGeoJSON(o.contextUrl, { object: "regions",
      shiftToGcj02: o.shiftToGcj02 }) : Promise.resolve(null);
    return Promise.all([context, fetchGeoJSON(o.url, o)]).then(function (parts) {
      if (parts[0]) {
        L.geoJSON(parts[0], {
          filter: function (f) { return !f.properties.special; },
          style: { className: "jjj-context", color: "#bdbdbd", weight: 0.8,
                   fillColor: "#f0f0f0", fillOpacity: 0.5 },
          interactive: false
        }).addTo(map);
      }
      var features = parts[1].features;
      function byRole(role) {
        return { type: "FeatureCollection",
                 features: features.filter(function (f) { return f.properties.role === role; }) };
      }
      var band = L.geoJSON(byRole("band"), { style: { className: "jjj-band", color: "#fd8d3c",
        weight: 1, dashArray: "4 4", fillColor: "#fdd0a2", fillOpacity: 0.35 },
        interactive: false }).addTo(map);
      var members = L.geoJSON(byRole("member"), {
        style: { className: "jjj-member", color: "#54278f", weight: 2, fillColor: "#9e9ac8",
                 fillOpacity: 0.45 },
        onEachFeature: function (f, layer) {
          if (!touchOnly) {
            layer.bindTooltip(nameHtml(f.properties), { sticky: true, className: "jjj-tooltip" });
          }
          layer.bindPopup(nameHtml(f.properties), { className: "jjj-tap", maxWidth: 260 });
        }
      }).addTo(map);
      markLoaded(map, "members-focusable", makeFocusable([members], {
        label: function (f) {
          var p = f.properties;
          return (p.name_zh + (p.name_en ? " " + p.name_en : "") +
            (o.labels.members ? "; " + o.labels.members : "")).trim();
        },
        highlight: function (layer) { layer.setStyle({ weight: 3.5, color: "#252525" }); },
        unhighlight: function (layer) { members.resetStyle(layer); }
      }));
      L.geoJSON(byRole("line"), { style: { className: "jjj-corridor-line", color: "#d94801",
        weight: 4 } }).bindTooltip(escapeHtml(o.lineText || o.labels.corridor_line)).addTo(map);
      var facilities = byRole("facility");
      function facilityPopup(p, approximate) {
        var lines = [nameHtml(p), escapeHtml(o.labels[p.category] || p.category) + " · " +
          escapeHtml(o.labels[p.tier] || p.tier) + (p.grade ? " · " + escapeHtml(o.labels[p.grade] || p.grade) : "")];
        if (approximate) {
          lines.push("<strong class=\"jjj-approximate\">" + escapeHtml(o.labels.approximate) +
            "</strong>");
        } else {
          lines.push(escapeHtml(o.labels.distance_km) + ": " + escapeHtml(p.distance_km) +
            (p.in_band === false ? " <em>(" + escapeHtml(o.labels.in_member_outside_band) + ")</em>" : ""));
          if (p.datum_check) {
            lines.push(escapeHtml(o.labels.datum_check) + ": " + escapeHtml(p.datum_check));
          }
        }
        lines.push("<small class=\"citation\">" +
          escapeHtml(truncate(inLang(p, "source", o.lang), 160)) + "</small>");
        return lines.join("<br>");
      }
      var facilityLayer = L.geoJSON(facilities, {
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, { className: "jjj-facility", radius: 6, weight: 1.5,
            color: "#ffffff", fillColor: CATEGORY_COLORS[f.properties.category] || "#6a3d9a",
            fillOpacity: 0.95 });
        },
        onEachFeature: function (f, layer) {
          var p = f.properties;
          layer.bindPopup(facilityPopup(p, false), popupOptions(map, 320));
          if (!touchOnly) { layer.bindTooltip(nameHtml(p)); }  // a tap opens the popup alone
        }
      }).addTo(map);
      /* District-precision points: hollow rings, labelled approximate, never measured. */
      var approximate = byRole("approximate");
      var approximateLayer = L.geoJSON(approximate, {
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, { className: "jjj-facility-approximate", radius: 8,
            weight: 2.5, dashArray: "3 2", color: CATEGORY_COLORS[f.properties.category] ||
            "#6a3d9a", fillOpacity: 0 });
        },
        onEachFeature: function (f, layer) {
          var p = f.properties;
          layer.bindPopup(facilityPopup(p, true), popupOptions(map, 320));
          if (!touchOnly) {
            layer.bindTooltip(nameHtml(p) + " (" + escapeHtml(o.labels.approximate) + ")");
          }
        }
      }).addTo(map);
      var bounds = band.getBounds().extend(members.getBounds());
      if (bounds.isValid()) { fitKeepingFit(map, bounds); }
      var labels = drawLabels(map, o, null);
      if (labels) { bindToggles(map, { labels: labels.layer, place: labels.place }); }
      function drawn() {
        // Site markers on top: an approximate ring (or a link end) at the same place must
        // not hide a located facility; the rings stay clickable around them.
        approximateLayer.bringToFront();
        facilityLayer.bringToFront();
        markLoaded(map, "facilities-drawn", facilities.features.length);
        markLoaded(map, "approximate-drawn", approximate.features.length);
        markLoaded(map, "corridor-drawn", byRole("line").features.length);
      }
      if (!o.linksUrl) { drawn(); return null; }
      /* Cooperation links whose both ends lie in the zone's members. */
      return fetchGeoJSON(o.linksUrl, o.links).then(function (data) {
        var links = drawLinks(map, data, o.links);
        links.placeArrows();
        markLoaded(map, "corridor-links-drawn", data.features.length);
        drawn();
      });
    }).catch(function (err) {
      showError(map, loadErrorText(o, err));
      throw err;
    });
  };

