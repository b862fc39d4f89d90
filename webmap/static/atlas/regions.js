  /* A choropleth (or plain outline) layer of administrative units. */
  JJJAtlas.regions = function (map, o) {
    setup(map, o);
    var hasValues = !!o.property;
    /* o.values (adcode -> value) colours a plain layer without a data download: the
     * preview of an upload that is not published yet. */
    function valueOf(p) { return o.values ? o.values[p.adcode] : p[o.property]; }
    /* A missing value's words: on change maps, why the unit's change is not comparable
     * (o.changeNoteProperty, in the page's language) where the data says so. */
    function missingText(p) {
      return (o.changeNoteProperty && p[o.changeNoteProperty]) || o.noData;
    }
    return fetchGeoJSON(o.url, o).then(function (geojson) {
      var regular = geojson.features.filter(function (f) { return !f.properties.special; });
      var special = geojson.features.filter(function (f) { return f.properties.special; });
      function style(feature) {
        var p = feature.properties;
        if (p.special) {
          return { className: o.className + "-special", color: "#7a0177", weight: 2,
                   dashArray: "6 4", fill: false };
        }
        var value = hasValues ? valueOf(p) : null;
        var missing = hasValues && (value === null || value === undefined);
        return {
          className: o.className, color: missing ? "#969696" : "#ffffff",
          weight: missing ? 1 : 0.8, dashArray: missing ? "3 3" : null,
          fillColor: hasValues ? classColor(value, o.bins, o.colors, o.missingColor) : "#9ecae1",
          fillOpacity: hasValues ? 0.85 : 0.55
        };
      }
      function tooltip(feature) {
        var p = feature.properties, html = nameHtml(p);
        if (p.special) { html += " <em>(" + escapeHtml(o.specialLabel) + ")</em>"; }
        if (hasValues) {
          var shown = formatValue(valueOf(p), o.decimals, o.lang, o.signed);
          html += "<br>" + escapeHtml(o.valueLabel) + ": " +
            (shown === null ? "<em>" + escapeHtml(missingText(p)) + "</em>"
                            : escapeHtml(shown) + " " + escapeHtml(o.unit));
          /* A value kept as printed but doubtful: its note (o.flagNoteProperty). */
          if (o.flagNoteProperty && p[o.flagNoteProperty]) {
            html += '<br><em class="flag-note">\u26a0 ' + escapeHtml(p[o.flagNoteProperty]) + "</em>";
          }
          /* Change views: both years and both measures of change. */
          (o.extra || []).forEach(function (line) {
            var v = formatValue(p[line.property], line.decimals, o.lang, line.signed);
            html += "<br>" + escapeHtml(line.label) + ": " + (v === null
              ? "<em>" + escapeHtml(o.noData) + "</em>" : escapeHtml(v) + " " + escapeHtml(line.unit));
          });
        }
        return html;
      }
      function bind(feature, layer) {
        if (!touchOnly) {
          layer.bindTooltip(tooltip(feature), { sticky: true, className: "jjj-tooltip" });
        }
        // Touch screens have no hover: a tap opens the same text as a popup.
        layer.bindPopup(tooltip(feature), popupOptions(map, 260, "jjj-tap"));
        layer.on("mouseover", function () { layer.setStyle({ weight: 2.5, color: "#333" }); });
        layer.on("mouseout", function () { group.resetStyle(layer); });
      }
      var group = L.geoJSON({ type: "FeatureCollection", features: regular },
                            { style: style, onEachFeature: bind }).addTo(map);
      var overlay = L.geoJSON({ type: "FeatureCollection", features: special },
                              { style: style, onEachFeature: bind }).addTo(map);
      if (o.fit !== false && group.getBounds().isValid()) { fitKeepingFit(map, group.getBounds()); }
      /* What a screen reader announces on focus: name, value with unit, class. */
      function label(feature) {
        var p = feature.properties;
        var text = p.name_zh + (p.name_en ? " " + p.name_en : "");
        if (p.special) { text += " (" + o.specialLabel + ")"; }
        if (!hasValues) { return text; }
        var value = valueOf(p), shown = formatValue(value, o.decimals, o.lang, o.signed);
        text += "; " + o.valueLabel + ": " + (shown === null ? missingText(p) : shown + " " + o.unit);
        var labels = o.classLabels || [];
        if (shown !== null && labels.length && !p.special) {
          var i = 0;
          while (i < o.bins.length - 1 && value > o.bins[i]) { i++; }
          text += "; " + o.classWord + " " + (i + 1) + "/" + labels.length + ": " + labels[i];
        }
        (o.extra || []).forEach(function (line) {
          var v = formatValue(p[line.property], line.decimals, o.lang, line.signed);
          text += "; " + line.label + ": " + (v === null ? o.noData : v + " " + line.unit);
        });
        return text.replace(/\s+/g, " ").trim();
      }
      var focusable = makeFocusable([group, overlay], {
        label: label,
        highlight: function (layer) { layer.setStyle({ weight: 2.5, color: "#333" }); },
        unhighlight: function (layer) {
          (layer.feature.properties.special ? overlay : group).resetStyle(layer);
        }
      });
      markLoaded(map, "regions-focusable", focusable);
      JJJAtlas.layers.push(group, overlay);
      markLoaded(map, "regions-drawn", regular.length);
      var byCode = {};
      geojson.features.forEach(function (f) { byCode[f.properties.adcode] = f.properties; });
      o.specialCodes = special.map(function (f) { return f.properties.adcode; });
      var labels = drawLabels(map, o, hasValues ? function (adcode) {
        var p = byCode[adcode];
        if (!p) { return null; }
        var shown = formatValue(valueOf(p), o.decimals, o.lang, o.signed);
        return shown === null ? null : shown + (o.unit === "%" ? "%" : "");
      } : null);
      var toggles = drawPoints(map, o.points, o.shiftToGcj02), layers = {};
      Object.keys(toggles).forEach(function (token) { layers["points:" + token] = toggles[token]; });
      if (labels) { layers.labels = labels.layer; layers.place = labels.place; }
      bindToggles(map, layers);
      return group;
    }).catch(function (err) {
      showError(map, loadErrorText(o, err));
      throw err;
    });
  };

