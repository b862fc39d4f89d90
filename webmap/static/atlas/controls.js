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

