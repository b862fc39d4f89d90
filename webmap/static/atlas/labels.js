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

