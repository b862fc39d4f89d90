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
        if (!map || (form.getAttribute("method") || "get").toLowerCase() !== "get") { return; }
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

