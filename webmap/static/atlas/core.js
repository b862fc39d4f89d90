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

