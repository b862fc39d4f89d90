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

