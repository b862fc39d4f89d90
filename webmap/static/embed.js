/* JJJ Atlas embed sizing, for pages that embed a map: include once next to the iframes.
 *
 *   <iframe src="https://atlas.example/embed/choropleth?..." data-jjj-atlas ...></iframe>
 *   <script src="https://atlas.example/static/embed.js" async></script>
 *
 * Each embed posts {type: "jjj-atlas:height", height: <px>} to its parent; this script
 * accepts the message only from the origin it was itself loaded from, only in that shape,
 * and only for an iframe on this page whose window sent it, then sets that iframe's height.
 * Without this script the iframe keeps its own height attribute and still works. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) { return; }
  var origin;
  try { origin = new URL(script.src, window.location.href).origin; } catch (e) { return; }
  var key = "__jjjAtlasEmbed:" + origin;
  if (window[key]) { return; }  // the snippet may be pasted several times
  window[key] = true;
  var MIN = 150, MAX = 4000;

  window.addEventListener("message", function (event) {
    if (event.origin !== origin) { return; }
    var data = event.data;
    if (!data || typeof data !== "object" || data.type !== "jjj-atlas:height") { return; }
    var height = data.height;
    if (typeof height !== "number" || !isFinite(height) || height < MIN || height > MAX) { return; }
    var frames = document.getElementsByTagName("iframe");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) {
        frames[i].style.height = Math.round(height) + "px";
        frames[i].setAttribute("data-jjj-atlas-sized", String(Math.round(height)));
        return;
      }
    }
  });
})();
