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

