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

