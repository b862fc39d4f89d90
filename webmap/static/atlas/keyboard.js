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


