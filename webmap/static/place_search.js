/* Finding a place on any map (choropleth, corridor, links, clusters; pages and embeds).
 *
 * - A search box (top right): Chinese characters, pinyin or English, former names; the
 *   suggestions are the units drawn on this map (from /api/places, fetched on first use),
 *   with their parent unit where names repeat (桥西区 · 石家庄市 / 张家口市). Choosing one
 *   zooms to the unit, outlines it and opens its box.
 * - County maps: prefecture outlines drawn above the county borders (o.outlineUrl).
 * - A popup opens beside the unit it describes, never over it: its tip sits on the unit's
 *   northern edge, so the box lies wholly north of the unit (the narrow Langfang strip
 *   stays visible), and the unit's hover tooltip stays closed while its popup is open.
 *
 * JJJAtlas.setup (static/atlas.js) calls JJJAtlas.wayfinding(map, options) for each map.
 */
(function (global) {
  "use strict";
  var JJJAtlas = global.JJJAtlas, esc = JJJAtlas.escapeHtml;
  var HIGHLIGHT = { color: "#ff7f00", weight: 4, opacity: 1, dashArray: null };
  var MAX_SUGGESTIONS = 8;
  var indexes = {};
  var searchCount = 0;

  function loadIndex(url) {
    if (!indexes[url]) {
      indexes[url] = fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) { throw new Error(url + ": HTTP " + response.status); }
        return response.json();
      }).then(function (data) { return data.places; });
      indexes[url].catch(function () { delete indexes[url]; });  // try again next time
    }
    return indexes[url];
  }

  /* Lower case, accents off (pinyin with tone marks), no spaces or punctuation: "Xiong'an
   * New Area" and "xiongan" meet, as do "Tongzhou District" and "tongzhou". */
  function fold(value) {
    return String(value || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().replace(/[\s'\u2019\-\u00b7.,\uff0c\u3002()\uff08\uff09]/g, "");
  }

  /* The units drawn on this map by adcode: the layer with a popup where there are two
   * (a county map's regions over its prefecture outlines have different adcodes anyway). */
  function drawnUnits(map) {
    var byCode = {};
    map.eachLayer(function (layer) {
      var p = layer.feature && layer.feature.properties;
      if (!p || !p.adcode || typeof layer.getBounds !== "function") { return; }
      var seen = byCode[p.adcode];
      if (!seen || (!seen.getPopup() && layer.getPopup())) { byCode[p.adcode] = layer; }
    });
    return byCode;
  }

  /* How well a place matches the folded query: 0 exact, 1 prefix, 2 inside; +0.5 for a
   * former name; null when it does not match. */
  function match(place, q) {
    var best = null, alias = null;
    function consider(value, extra, isAlias) {
      var v = fold(value);
      if (!v) { return; }
      var at = v.indexOf(q);
      if (at < 0) { return; }
      var s = (v === q ? 0 : at === 0 ? 1 : 2) + extra;
      if (best === null || s < best) { best = s; alias = isAlias ? value : null; }
    }
    [place.name_zh, place.short_zh, place.stem_zh, place.name_en, place.short_en]
      .forEach(function (v) { consider(v, 0, false); });
    (place.aliases || []).forEach(function (v) { consider(v, 0.5, true); });
    return best === null ? null : { score: best, alias: alias };
  }

  function suggestions(map, places, query) {
    var q = fold(query);
    if (!q) { return []; }
    var drawn = drawnUnits(map), found = [];
    places.forEach(function (place, order) {
      var layer = drawn[place.adcode];
      if (!layer) { return; }
      var m = match(place, q);
      if (m) { found.push({ place: place, layer: layer, score: m.score, alias: m.alias, order: order }); }
    });
    found.sort(function (a, b) {
      return a.score - b.score || a.place.name_zh.length - b.place.name_zh.length || a.order - b.order;
    });
    return found.slice(0, MAX_SUGGESTIONS);
  }

  function optionHtml(hit, words, lang) {
    var p = hit.place;
    var parent = lang === "zh" ? p.parent_zh : p.parent_en;
    var own = lang === "zh" ? p.name_zh : p.name_en;
    var html = "<strong lang=\"zh\">" + esc(p.name_zh) + "</strong> <span lang=\"en\">" +
      esc(p.name_en) + "</span>";
    var notes = [words[p.level] || p.level];
    if (parent && parent !== own) { notes.push(parent); }
    if (hit.alias) { notes.push(words.formerName + " " + hit.alias); }
    return html + " <small>" + esc(notes.join(" \u00b7 ")) + "</small>";
  }

  /* Outline the unit until the next search or until its box closes. */
  var highlighted = null;
  function unhighlight() {
    if (highlighted) { highlighted.layer.setStyle(highlighted.style); highlighted = null; }
  }
  function highlight(layer) {
    unhighlight();
    var o = layer.options;
    highlighted = { layer: layer, style: { color: o.color, weight: o.weight, opacity: o.opacity,
                                           dashArray: o.dashArray } };
    layer.setStyle(HIGHLIGHT);
    if (layer.bringToFront) { layer.bringToFront(); }
  }

  function choose(map, hit, box) {
    var layer = hit.layer, bounds = layer.getBounds();
    map.closePopup();
    map.fitBounds(bounds, { padding: [36, 36], maxZoom: 10, animate: false });
    highlight(layer);
    var popup;
    if (layer.getPopup()) {
      layer.openPopup(bounds.getCenter());
      popup = layer.getPopup();
    } else {  // a unit drawn without a box (outlines, context): a box with its names
      popup = L.popup({ className: "jjj-tap" }).setLatLng(bounds.getCenter())
        .setContent(optionHtml({ place: hit.place }, box.words, box.lang));
      popup.jjjBounds = bounds;
      popup.openOn(map);
    }
    map.on("popupclose", function closed(e) {
      if (e.popup === popup) { unhighlight(); map.off("popupclose", closed); }
    });
    var el = map.getContainer();
    el.setAttribute("data-place-found", hit.place.adcode);
    box.status.className = "jjj-search-status jjj-search-done";  // for screen readers only
    box.status.textContent = box.words.shown.replace("{name}", box.lang === "zh" ? hit.place.name_zh : hit.place.name_en);
  }

  function searchControl(map, o) {
    var words = o.words, lang = o.lang || "en";
    var control = L.control({ position: "topright" });
    control.onAdd = function () {
      searchCount += 1;
      var id = "jjj-place-search-" + searchCount;
      var wrap = L.DomUtil.create("div", "jjj-search leaflet-bar");
      wrap.setAttribute("role", "search");
      wrap.innerHTML =
        "<label class=\"jjj-search-label\" for=\"" + id + "\">" + esc(words.label) + "</label>" +
        "<input id=\"" + id + "\" type=\"search\" role=\"combobox\" autocomplete=\"off\" " +
        "spellcheck=\"false\" aria-autocomplete=\"list\" aria-expanded=\"false\" " +
        "aria-controls=\"" + id + "-list\" placeholder=\"" + esc(words.placeholder) + "\">" +
        "<ul class=\"jjj-search-list\" id=\"" + id + "-list\" role=\"listbox\" hidden></ul>" +
        "<p class=\"jjj-search-status\" aria-live=\"polite\"></p>";
      L.DomEvent.disableClickPropagation(wrap);
      L.DomEvent.disableScrollPropagation(wrap);
      var input = wrap.querySelector("input"), list = wrap.querySelector("ul");
      var box = { words: words, lang: lang, status: wrap.querySelector("p") };
      var hits = [], active = -1, places = null;

      function close() {
        list.hidden = true;
        input.setAttribute("aria-expanded", "false");
        input.removeAttribute("aria-activedescendant");
        active = -1;
      }
      function mark(i) {
        active = i;
        Array.prototype.forEach.call(list.children, function (li, n) {
          li.setAttribute("aria-selected", n === i ? "true" : "false");
        });
        if (i >= 0) { input.setAttribute("aria-activedescendant", id + "-opt-" + i); }
      }
      function show() {
        hits = places ? suggestions(map, places, input.value) : [];
        list.innerHTML = "";
        hits.forEach(function (hit, i) {
          var li = document.createElement("li");
          li.id = id + "-opt-" + i;
          li.setAttribute("role", "option");
          li.setAttribute("data-adcode", hit.place.adcode);
          li.innerHTML = optionHtml(hit, words, lang);
          li.addEventListener("mousedown", function (e) { e.preventDefault(); });  // keep focus
          li.addEventListener("click", function () { pick(i); });
          list.appendChild(li);
        });
        var typed = fold(input.value).length > 0;
        list.hidden = hits.length === 0;
        input.setAttribute("aria-expanded", hits.length ? "true" : "false");
        box.status.className = "jjj-search-status";
        box.status.textContent = typed && !hits.length && places ? words.noMatch : "";
        mark(hits.length ? 0 : -1);
      }
      function pick(i) {
        var hit = hits[i];
        if (!hit) { return; }
        input.value = lang === "zh" ? hit.place.name_zh : hit.place.name_en;
        close();
        choose(map, hit, box);
      }
      function ensureIndex() {
        if (places) { return Promise.resolve(places); }
        return loadIndex(o.url).then(function (found) { places = found; return found; })
          .catch(function () { box.status.textContent = words.unavailable; return null; });
      }
      input.addEventListener("focus", ensureIndex);
      input.addEventListener("input", function () { ensureIndex().then(show); });
      input.addEventListener("keydown", function (e) {
        if (e.key === "ArrowDown" || e.key === "ArrowUp") {
          if (list.hidden) { show(); return; }
          var step = e.key === "ArrowDown" ? 1 : -1;
          mark((active + step + hits.length) % hits.length);
          e.preventDefault();
        } else if (e.key === "Enter") {
          e.preventDefault();
          ensureIndex().then(function () {
            if (list.hidden) { show(); }
            pick(active >= 0 ? active : 0);
          });
        } else if (e.key === "Escape") {
          if (!list.hidden) { close(); e.stopPropagation(); } else { input.value = ""; }
        }
      });
      input.addEventListener("blur", function () { global.setTimeout(close, 150); });
      return wrap;
    };
    control.addTo(map);
    return control;
  }

  /* A popup's tip on the unit's northern edge (at the clicked longitude, kept inside the
   * unit's extent): the box, drawn above its tip, then lies wholly north of the unit. */
  function keepPopupsBesideTheirUnit(map) {
    map.on("popupopen", function (e) {
      var popup = e.popup, source = popup._source;
      if (source && source.closeTooltip) { source.closeTooltip(); }
      var bounds = popup.jjjBounds ||
        (source && typeof source.getBounds === "function" ? source.getBounds() : null);
      if (!bounds || !bounds.isValid()) { return; }
      /* Pan it clear of the search box (top right) as well as of the zoom buttons. */
      var search = map.getContainer().querySelector(".jjj-search");
      if (search) {
        var below = search.getBoundingClientRect().bottom -
          map.getContainer().getBoundingClientRect().top + 8;
        popup.options.autoPanPaddingTopLeft = L.point(48, Math.max(12, below));
      }
      var at = popup.getLatLng();
      var lng = Math.min(Math.max(at.lng, bounds.getWest()), bounds.getEast());
      var north = L.latLng(bounds.getNorth(), lng);
      if (!north.equals(at)) { popup.setLatLng(north); }
      map.getContainer().setAttribute("data-popup-beside", "1");
    });
    /* A unit's tooltip stays hidden while its own popup is open (they said the same thing
     * and covered each other). */
    map.on("tooltipopen", function (e) {
      var source = e.tooltip._source, el = e.tooltip.getElement();
      var covered = !!(source && source.isPopupOpen && source.isPopupOpen());
      if (el) { el.style.visibility = covered ? "hidden" : ""; }
    });
  }

  /* County maps: the prefecture outlines above the county borders, in their own pane (not
   * clickable; searchable like the units). */
  function prefectureOutlines(map, o) {
    if (!map.getPane("jjjOutlines")) {
      var pane = map.createPane("jjjOutlines");
      pane.style.zIndex = 450;  // above the units (overlayPane 400), below labels and markers
      pane.style.pointerEvents = "none";
    }
    return JJJAtlas.fetchGeoJSON(o.outlineUrl, { object: "regions", shiftToGcj02: o.shiftToGcj02 })
      .then(function (geojson) {
        var outlines = L.geoJSON(geojson, {
          filter: function (f) { return !f.properties.special; },
          pane: "jjjOutlines",
          interactive: false,
          style: { className: "jjj-prefecture-outline", color: "#2b2b2b", weight: 1.8,
                   opacity: 0.9, fill: false }
        }).addTo(map);
        map.getContainer().setAttribute("data-prefecture-outlines", String(outlines.getLayers().length));
        return outlines;
      });
  }

  JJJAtlas.wayfinding = function (map, o) {
    if (map.jjjWayfinding) { return; }
    map.jjjWayfinding = true;
    keepPopupsBesideTheirUnit(map);
    if (o.placeSearch) { searchControl(map, o.placeSearch); }
    if (o.outlineUrl) { prefectureOutlines(map, o); }
  };
  JJJAtlas.placeMatch = match;
  JJJAtlas.foldPlaceName = fold;
})(window);
