/* JJJ Atlas map layers: fetch data from the download endpoints and draw it with Leaflet.
 * Every string that comes from data is escaped before it reaches the DOM. */
(function (global) {
  "use strict";

  var JJJAtlas = { layers: [] };

  function escapeHtml(value) {
    return String(value === null || value === undefined ? "" : value)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }
  JJJAtlas.escapeHtml = escapeHtml;
  JJJAtlas.fetchGeoJSON = function (url, options) { return fetchGeoJSON(url, options); };

  /* WGS 84 -> GCJ-02, the published closed form (same as geo/crs.py), for AMap tiles. */
  var A = 6378245.0, EE = 0.00669342162296594323, PI = Math.PI;
  function gcjOffset(lon, lat) {
    var x = lon - 105.0, y = lat - 35.0, s = Math.sqrt(Math.abs(x));
    var dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * s;
    dlat += (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
    dlat += (20.0 * Math.sin(y * PI) + 40.0 * Math.sin(y / 3.0 * PI)) * 2.0 / 3.0;
    dlat += (160.0 * Math.sin(y / 12.0 * PI) + 320 * Math.sin(y * PI / 30.0)) * 2.0 / 3.0;
    var dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * s;
    dlon += (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
    dlon += (20.0 * Math.sin(x * PI) + 40.0 * Math.sin(x / 3.0 * PI)) * 2.0 / 3.0;
    dlon += (150.0 * Math.sin(x / 12.0 * PI) + 300.0 * Math.sin(x / 30.0 * PI)) * 2.0 / 3.0;
    var radLat = lat / 180.0 * PI, magic = 1 - EE * Math.sin(radLat) * Math.sin(radLat);
    var sqrtMagic = Math.sqrt(magic);
    dlat = (dlat * 180.0) / ((A * (1 - EE)) / (magic * sqrtMagic) * PI);
    dlon = (dlon * 180.0) / (A / sqrtMagic * Math.cos(radLat) * PI);
    return [lon + dlon, lat + dlat];
  }
  JJJAtlas.wgs84ToGcj02 = gcjOffset;

  function shiftCoords(coords) {
    if (typeof coords[0] === "number") { return gcjOffset(coords[0], coords[1]); }
    return coords.map(shiftCoords);
  }
  function shiftToGcj02(geojson) {
    (geojson.features || []).forEach(function (f) {
      if (f.geometry) { f.geometry.coordinates = shiftCoords(f.geometry.coordinates); }
    });
    return geojson;
  }

  function fetchGeoJSON(url, options) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error(url + ": HTTP " + response.status); }
      return response.json();
    }).then(function (data) {
      var geojson = data.type === "Topology"
        ? global.topojson.feature(data, data.objects[options.object || "regions"]) : data;
      return options.shiftToGcj02 ? shiftToGcj02(geojson) : geojson;
    });
  }

  function formatValue(value, decimals, lang, signed) {
    if (value === null || value === undefined || Number.isNaN(value)) { return null; }
    var d = (decimals === null || decimals === undefined)
      ? (Number.isInteger(value) ? 0 : 1) : decimals;
    var text = Number(value).toLocaleString(lang === "zh" ? "zh-CN" : "en-US",
      { minimumFractionDigits: d, maximumFractionDigits: d });
    return signed && value > 0 ? "+" + text : text;
  }

  function classColor(value, bins, colors, missingColor) {
    if (value === null || value === undefined || Number.isNaN(value) || !bins.length) {
      return missingColor;
    }
    for (var i = 0; i < bins.length; i++) { if (value <= bins[i]) { return colors[i]; } }
    return colors[colors.length - 1];
  }

  /* A row's field in the page's language: `<key>_zh` on zh pages when the data has it. */
  function inLang(p, key, lang) {
    return (lang === "zh" && p[key + "_zh"]) || p[key];
  }

  /* A long popup fits a phone (narrower, and scrolling when taller than the map) and
   * opens panned clear of the zoom buttons (top left). */
  function popupOptions(map, widest, className) {
    var size = map.getSize();
    return { maxWidth: Math.max(160, Math.min(widest, size.x - 130)),
             maxHeight: size.y < 600 ? Math.max(160, size.y - 90) : null,
             autoPanPaddingTopLeft: L.point(48, 12), className: className || "" };
  }

  function truncate(text, max) {
    text = String(text === null || text === undefined ? "" : text);
    return text.length > max ? text.slice(0, max - 1) + "\u2026" : text;
  }

  /* A place's two names, each marked with its language (a zh page keeps English names
   * as names, not as untranslated text). */
  function nameHtml(p) {
    return "<strong lang=\"zh\">" + escapeHtml(p.name_zh) + "</strong> <span lang=\"en\">" +
      escapeHtml(p.name_en) + "</span>";
  }

  function markLoaded(map, key, count) {
    var el = map.getContainer();
    el.setAttribute("data-" + key, String(count));
    document.body.setAttribute("data-" + key, String(count));
  }

  /* The error box's text in the page's language: the HTTP status with the URL that
   * failed; other failures (the browser's own English words, e.g. a JSON parse error)
   * go to the console only. */
  function loadErrorText(o, err) {
    var detail = String((err && err.message) || err);
    if (global.console) { global.console.error(err); }
    if (!o.loadError) { return detail; }
    return /: HTTP \d+$/.test(detail) ? o.loadError + " · " + detail : o.loadError;
  }

  function showError(map, message) {
    var box = L.control({ position: "topright" });
    box.onAdd = function () {
      var div = L.DomUtil.create("div", "jjj-load-error");
      div.textContent = message;
      return div;
    };
    box.addTo(map);
  }

  /* Fit the map to its layer. In an embed, fit again when the frame is resized (the
   * embedding page just set its height, a phone was rotated) until the reader zooms or pans. */
  function fitKeepingFit(map, bounds) {
    var fitting = false, moved = false;
    var kept = viewFromHash();
    if (kept && !document.getElementById("embed")) {
      map.setView(kept.center, kept.zoom, { animate: false });
      return;
    }
    function fit() {
      var size = map.getSize();
      if (!size.x || !size.y) { return; }  // not laid out (yet): nothing to fit into
      fitting = true;
      // Room at the bottom for the scale bar and attribution: they never cover a unit.
      map.fitBounds(bounds, { paddingTopLeft: [8, 8], paddingBottomRight: [8, 26], animate: false });
      fitting = false;
    }
    fit();
    if (!document.getElementById("embed")) { return; }
    map.on("zoomstart dragstart", function () { if (!fitting) { moved = true; } });
    map.on("resize", function () { if (!moved) { fit(); } });
  }

  /* Keyboard access to the shapes of a map: each region (or corridor member) is a focusable
   * button in the tab order (regular units by adcode, then overlays), named for screen
   * readers with what its tooltip shows; focus shows the tooltip and the hover highlight,
   * Enter or Space opens the popup, Escape closes it (focus stays on the shape). */
  function makeFocusable(layers, o) {
    var entries = [];
    layers.forEach(function (group) {
      group.eachLayer(function (layer) {
        var el = layer.getElement && layer.getElement();
        if (el) { entries.push({ layer: layer, el: el, group: group }); }
      });
    });
    entries.sort(function (a, b) {
      var pa = a.layer.feature.properties, pb = b.layer.feature.properties;
      if (!!pa.special !== !!pb.special) { return pa.special ? 1 : -1; }
      return String(pa.adcode || "").localeCompare(String(pb.adcode || ""));
    });
    /* Tab order is document order: put the shapes in that order where the first of them
     * stands, so the layers drawn before and after them keep their places. */
    var parent = entries.length ? entries[0].el.parentNode : null;
    if (parent && entries.every(function (e) { return e.el.parentNode === parent; })) {
      var first = entries[0].el;
      entries.forEach(function (e) {
        if (first.compareDocumentPosition(e.el) & Node.DOCUMENT_POSITION_PRECEDING) {
          first = e.el;
        }
      });
      var place = document.createComment("");
      parent.insertBefore(place, first);
      entries.forEach(function (e) { parent.insertBefore(e.el, place); });
      parent.removeChild(place);
    }
    entries.forEach(function (entry) {
      var layer = entry.layer, el = entry.el;
      el.setAttribute("tabindex", "0");
      el.setAttribute("role", "button");
      el.setAttribute("aria-label", o.label(layer.feature));
      el.classList.add("jjj-focusable");
      el.addEventListener("focus", function () {
        if (o.highlight) { o.highlight(layer); }
        layer.openTooltip();
      });
      el.addEventListener("blur", function () {
        if (o.unhighlight) { o.unhighlight(layer); }
        layer.closeTooltip();
      });
      el.addEventListener("keydown", function (event) {
        var key = event.key;
        if (key === "Enter" || key === " " || key === "Spacebar") {
          event.preventDefault();
          event.stopPropagation();
          layer.closeTooltip();
          layer.openPopup();
        } else if (key === "Escape" || key === "Esc") {
          if (layer.isPopupOpen()) {
            event.preventDefault();
            event.stopPropagation();
            layer.closePopup();
            el.focus();
          }
        }
      });
    });
    return entries.length;
  }
  JJJAtlas.makeFocusable = makeFocusable;


  /* ---- Place names, point layers, basemap note, scale words, kept view (issue 16) ---- */
  JJJAtlas.maps = [];

  function boxesOverlap(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  /* Labels of units at their label points (geo/maps/labels.py, shipped with the layer's
   * options as [adcode, lon, lat, name], most important first). mode: names | values | both. After every
   * zoom or move, labels are placed by rank: each tries its point, then just above, below,
   * right and left of it, and is hidden when every place overlaps a label already placed
   * (or leaves the map). So no two visible labels overlap, and more appear on zooming in. */
  function drawLabels(map, o, valueText) {
    var mode = o.labelMode || "names", points = o.labelPoints || [];
    if (mode === "none" || !points.length) { return null; }
    if (!map.getPane("jjjLabels")) {
      map.createPane("jjjLabels").style.zIndex = 450;
      map.getPane("jjjLabels").style.pointerEvents = "none";
    }
    var group = L.layerGroup(), entries = [];
    points.forEach(function (row) {
      var name = row[3], value = valueText ? valueText(row[0]) : null, html;
      if (mode === "values" && value === null) { return; }
      if (mode === "names") { html = escapeHtml(name); }
      else if (mode === "values") { html = escapeHtml(value); }
      else { html = escapeHtml(name) + (value === null ? "" : "<br><b>" + escapeHtml(value) + "</b>"); }
      var pos = o.shiftToGcj02 ? gcjOffset(row[1], row[2]) : [row[1], row[2]];
      var special = o.specialCodes && o.specialCodes.indexOf(row[0]) >= 0;
      var marker = L.marker([pos[1], pos[0]], {
        pane: "jjjLabels", interactive: false, keyboard: false,
        icon: L.divIcon({ className: "jjj-label-anchor", iconSize: null,
          html: "<span class=\"jjj-label" + (special ? " jjj-label-special" : "") +
            "\" data-adcode=\"" + escapeHtml(row[0]) + "\">" + html + "</span>" })
      });
      group.addLayer(marker);
      entries.push(marker);
    });
    var shifts = [[0, 0], [0, -0.9], [0, 0.9], [0.62, 0], [-0.62, 0], [0, -1.8], [0, 1.8],
      [0.62, -0.9], [-0.62, 0.9], [0.62, 0.9], [-0.62, -0.9]];
    function place() {
      if (!map.hasLayer(group)) { return; }
      var frame = map.getContainer().getBoundingClientRect(), placed = [], shown = 0;
      var spans = entries.map(function (m) {
        var el = m.getElement(), span = el && el.firstChild;
        if (span) { span.style.transform = ""; span.style.visibility = ""; }
        return span;
      });
      var rects = spans.map(function (span) { return span ? span.getBoundingClientRect() : null; });
      rects.forEach(function (r, i) {
        var span = spans[i];
        if (!span) { return; }
        var chosen = null;
        for (var j = 0; j < shifts.length && !chosen; j++) {
          var dx = shifts[j][0] * r.width, dy = shifts[j][1] * r.height;
          var box = { left: r.left + dx - 1, right: r.right + dx + 1,
                      top: r.top + dy - 1, bottom: r.bottom + dy + 1 };
          if (box.left < frame.left || box.right > frame.right ||
              box.top < frame.top || box.bottom > frame.bottom) { continue; }
          if (placed.some(function (p) { return boxesOverlap(p, box); })) { continue; }
          chosen = { box: box, dx: dx, dy: dy };
        }
        if (!chosen) { span.style.visibility = "hidden"; return; }
        if (chosen.dx || chosen.dy) {
          span.style.transform = "translate(" + chosen.dx + "px," + chosen.dy + "px)";
        }
        placed.push(chosen.box);
        shown++;
      });
      markLoaded(map, "labels-shown", shown);
      markLoaded(map, "labels-zoom", map.getZoom());
    }
    /* Place once the view has settled (after the zoom animation's last frame). */
    var pending = null;
    function schedule() {
      if (pending) { global.cancelAnimationFrame(pending); }
      pending = global.requestAnimationFrame(function () { pending = null; place(); });
    }
    group.addTo(map);
    map.on("zoomend moveend resize", schedule);
    map.on("overlayadd", function (e) { if (e.layer === group) { place(); } });
    place();
    markLoaded(map, "labels-drawn", entries.length);
    return { layer: group, place: place };
  }
  JJJAtlas.drawLabels = drawLabels;

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

  /* The legend's checkboxes (data-jjj-toggle="labels" or "points:<token>") turn layers on
   * and off without a reload. */
  function bindToggles(map, layers) {
    var frame = map.getContainer().parentNode;
    Array.prototype.forEach.call(frame.querySelectorAll("input[data-jjj-toggle]"), function (box) {
      var layer = layers[box.getAttribute("data-jjj-toggle")];
      if (!layer) { box.disabled = true; return; }
      box.disabled = false;
      box.addEventListener("change", function () {
        if (box.checked) { layer.addTo(map); } else { map.removeLayer(layer); }
        if (box.checked && layers.place && box.getAttribute("data-jjj-toggle") === "labels") {
          layers.place();
        }
      });
    });
  }

  /* Tiles load independently of the vector layers; when the basemap's tiles fail, a short
   * note says so (the vector map is already drawn). */
  function watchTiles(map, note) {
    if (!note || map._jjjTilesWatched) { return; }
    map._jjjTilesWatched = true;
    var box = null, loaded = 0, tiles = 0;
    function show() {
      if (box || loaded) { return; }
      box = L.control({ position: "topright" });
      box.onAdd = function () {
        var div = L.DomUtil.create("div", "jjj-basemap-note");
        div.setAttribute("role", "status");
        div.textContent = note;
        return div;
      };
      box.addTo(map);
      document.body.setAttribute("data-basemap-unavailable", "1");
    }
    map.eachLayer(function (layer) {
      if (!(layer instanceof L.TileLayer)) { return; }
      tiles++;
      layer.on("tileload", function () {
        loaded++;
        if (box) { box.remove(); box = null; document.body.removeAttribute("data-basemap-unavailable"); }
      });
      layer.on("tileerror", show);
    });
    /* Tiles that neither load nor fail (an unreachable host): say so after a few seconds. */
    if (tiles) { global.setTimeout(show, 4000); }
  }

  /* The scale bar in the page's language: metric only, "千米"/"米" on zh pages. */
  function localizeScale(map, words) {
    var el = map.getContainer().querySelector(".leaflet-control-scale");
    if (!el || !words) { return; }
    el.classList.add("jjj-scale-metric");
    function rewrite() {
      var line = el.querySelector(".leaflet-control-scale-line");
      if (!line) { return; }
      line.textContent = line.textContent.replace(/ km$/, " " + words.km).replace(/ m$/, " " + words.m);
    }
    map.on("move moveend zoomend", rewrite);
    rewrite();
  }

  /* The view in the URL fragment (#zoom/lat/lon): "Update map" carries it over, and a page
   * opened with one starts there instead of fitting its layer. */
  function viewFromHash() {
    var m = /^#(\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)$/.exec(global.location.hash || "");
    return m ? { zoom: Number(m[1]), center: [Number(m[2]), Number(m[3])] } : null;
  }
  function viewHash(map) {
    var c = map.getCenter();
    return "#" + (Math.round(map.getZoom() * 100) / 100) + "/" + c.lat.toFixed(4) + "/" + c.lng.toFixed(4);
  }
  JJJAtlas.viewHash = viewHash;

  function setup(map, o) {
    if (JJJAtlas.maps.indexOf(map) < 0) { JJJAtlas.maps.push(map); }
    watchTiles(map, o.basemapNote);
    localizeScale(map, o.scaleWords);
    /* Touch screens: a tap opens the popup only (no tooltip on top of it). */
    if (global.matchMedia && global.matchMedia("(hover: none)").matches) {
      map.getContainer().classList.add("jjj-touch");
    }
    /* Place search, prefecture outlines, popups beside their unit (static/place_search.js). */
    if (JJJAtlas.wayfinding) { JJJAtlas.wayfinding(map, o); }
  }
  JJJAtlas.setup = setup;
  var touchOnly = !!(global.matchMedia && global.matchMedia("(hover: none)").matches);

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

  /* Data tables: header buttons sort the rows by each cell's data-value. */
  JJJAtlas.sortable = function (table) {
    var headers = table.querySelectorAll("thead th");
    Array.prototype.forEach.call(headers, function (th, column) {
      var button = th.querySelector("button[data-sort]");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var numeric = button.getAttribute("data-sort") === "number";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[column].getAttribute("data-value");
          var y = b.cells[column].getAttribute("data-value");
          if (numeric) {
            if (x === "" || y === "") { return (x === "") - (y === ""); }  // no data last
            return ascending ? x - y : y - x;
          }
          return ascending ? x.localeCompare(y) : y.localeCompare(x);
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  };

  /* Inside an iframe, tell the embedding page (static/embed.js) the height this embed
   * needs: everything but the map at its natural size, plus the map at 3:4 of the width. */
  JJJAtlas.reportHeight = function () {
    var embed = document.getElementById("embed");
    if (!embed || global.parent === global) { return; }
    var last = 0;
    function post() {
      var map = embed.querySelector(".folium-map");
      var natural = Math.max(240, Math.min(620, Math.round(embed.clientWidth * 0.75)));
      var height = Math.ceil(embed.scrollHeight - (map ? map.offsetHeight : 0) + natural);
      if (Math.abs(height - last) < 2) { return; }
      last = height;
      global.parent.postMessage({ type: "jjj-atlas:height", height: height }, "*");
    }
    post();
    global.addEventListener("resize", post);
    embed.addEventListener("toggle", post, true);
    if (global.ResizeObserver) { new global.ResizeObserver(post).observe(embed); }
  };

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), JJJAtlas.sortable);
    JJJAtlas.reportHeight();
  });
  /* Year and compare selectors: a change runs from an earlier year to the year shown, so
   * picking a year offers only earlier compare years (and drops one that is no longer). */
  function linkYearSelectors() {
    var year = document.getElementById("year-select");
    var compare = document.getElementById("compare-select");
    if (!year || !compare) { return; }
    var level = year.form && year.form.querySelector("select[name=level]");
    /* Years without values at this level carry data-level (where they have values). */
    var here = Array.prototype.filter.call(year.options, function (o) {
      return !o.getAttribute("data-level");
    }).map(function (o) { return o.value; });
    function refresh() {
      var chosen = Number(year.value), kept = compare.value;
      var option = year.options[year.selectedIndex], elsewhere = option && option.getAttribute("data-level");
      if (elsewhere && level) { level.value = elsewhere; }
      while (compare.options.length > 1) { compare.remove(1); }
      if (elsewhere) { return; }
      /* Years across a definition break never compare (data-segment: the run of years
       * with one definition, geo.sources.catalog.Indicator.segments). */
      var segment = option && option.getAttribute("data-segment");
      here.slice().sort().forEach(function (y) {
        var o = year.querySelector('option[value="' + y + '"]');
        if (Number(y) < chosen && (o && o.getAttribute("data-segment")) === segment) {
          compare.add(new Option(y, y, false, y === kept));
        }
      });
    }
    year.addEventListener("change", refresh);
  }
  /* "Update map" keeps the view: the form's query plus the current #zoom/lat/lon. */
  function keepViewOnSubmit() {
    Array.prototype.forEach.call(document.querySelectorAll("form.controls"), function (form) {
      form.addEventListener("submit", function (event) {
        var map = JJJAtlas.maps[0];
        if (!map || (form.method || "get").toLowerCase() !== "get") { return; }
        event.preventDefault();
        var params = new URLSearchParams(new FormData(form));
        var points = params.getAll("points");  // one checkbox each: one points=a,b value
        params.delete("points");
        if (points.length) { params.append("points", points.join(",")); }
        var query = params.toString().replace(/%2C/g, ",");
        global.location.assign(form.action.split("#")[0].split("?")[0] + "?" + query + viewHash(map));
      });
    });
  }
  /* Palette choices show their colours: a strip of swatches next to the select. */
  function paletteSwatches() {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-palette-colors]"), function (select) {
      var colors = JSON.parse(select.getAttribute("data-palette-colors"));
      var strip = document.createElement("span");
      strip.className = "palette-strip";
      strip.setAttribute("aria-hidden", "true");
      select.parentNode.appendChild(strip);
      function show() {
        strip.innerHTML = "";
        (colors[select.value] || "").split(" ").filter(Boolean).forEach(function (c) {
          var cell = document.createElement("span");
          cell.style.backgroundColor = "#" + c;
          strip.appendChild(cell);
        });
      }
      select.addEventListener("change", show);
      show();
    });
  }
  /* Tables wider than the page scroll in their own box: such a box takes keyboard focus,
   * so it can be scrolled without a mouse. */
  function focusableScrollBoxes() {
    var boxes = document.querySelectorAll("main table, .embed table, details.data-table, .ogc-table");
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        if (!box.hasAttribute("tabindex")) { box.setAttribute("tabindex", "0"); box.setAttribute("data-scroll-box", ""); }
      } else if (box.hasAttribute("data-scroll-box")) {
        box.removeAttribute("tabindex"); box.removeAttribute("data-scroll-box");
      }
    });
  }
  function onReady() {
    linkYearSelectors(); keepViewOnSubmit(); paletteSwatches(); focusableScrollBoxes();
    global.addEventListener("resize", focusableScrollBoxes);
    document.addEventListener("toggle", focusableScrollBoxes, true);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", onReady);
  } else {
    onReady();
  }

  global.JJJAtlas = JJJAtlas;
})(window);

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
