// /datasets/new: when the level, key column, year settings, preview column, a name
// choice or a point table's datum or coordinate columns change after a check, the report is fetched again (a dry run: nothing is
// published, the kept draft is not uploaded again) and the preview map is redrawn in a
// frame, without pressing "Check".
(function () {
  "use strict";
  var form = document.getElementById("dataset-form");
  if (!form || !document.getElementById("report")) return;
  var draft = form.querySelector("input[name=draft]");
  var text = form.querySelector("textarea[name=text]");
  var file = form.querySelector("input[name=file]");
  var busy = false;
  var again = false;

  function hasTable() {
    return (draft && draft.value) || (text && text.value.trim());
  }

  function swap(doc, id) {
    var fresh = doc.getElementById(id);
    var old = document.getElementById(id);
    if (fresh && old) old.replaceWith(fresh);
    else if (old && !fresh) old.remove();
  }

  function previewFrame() {
    var section = document.getElementById("preview");
    if (!section) return null;
    var frame = document.getElementById("preview-frame");
    if (!frame) {
      var box = section.querySelector(".map-frame");
      frame = document.createElement("iframe");
      frame.id = "preview-frame";
      frame.name = "preview-frame";
      frame.title = section.querySelector("h3") ? section.querySelector("h3").firstChild.textContent.trim() : "preview";
      frame.className = "preview-frame";
      frame.style.cssText = "width:100%;height:48vh;min-height:320px;border:0";
      if (box) box.replaceWith(frame);
      else section.appendChild(frame);
    }
    return frame;
  }

  function redrawPreview() {
    var frame = previewFrame();
    if (!frame) return;
    // getAttribute/setAttribute: the form has controls named "action", which shadow
    // form.action.
    var action = form.getAttribute("action");
    form.setAttribute("action", form.dataset.preview);
    form.setAttribute("target", "preview-frame");
    if (file) file.disabled = true; // the draft is on the server already
    HTMLFormElement.prototype.submit.call(form);
    if (file) file.disabled = false;
    form.setAttribute("action", action);
    form.removeAttribute("target");
  }

  function update() {
    if (!hasTable()) return;
    if (busy) { again = true; return; }
    busy = true;
    var data = new FormData(form);
    data.set("action", "check");
    if (draft && draft.value) data.delete("file");
    document.body.setAttribute("aria-busy", "true");
    fetch(form.getAttribute("action"), { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        ["report", "columns", "match-help", "form-error", "points-columns", "points-detected",
          "form-actions"].forEach(function (id) { swap(doc, id); });
        // A point table that waited for its datum: the preview section arrives now.
        var waiting = document.querySelector("#preview[data-placeholder]");
        if (waiting && doc.getElementById("preview")) swap(doc, "preview");
        var error = doc.getElementById("form-error");
        if (error && !document.getElementById("form-error")) {
          form.parentNode.insertBefore(error, form);
        }
        if (!error) redrawPreview();
      })
      .finally(function () {
        busy = false;
        document.body.removeAttribute("aria-busy");
        document.body.setAttribute("data-rechecked", String(Date.now()));
        if (again) { again = false; update(); }
      });
  }

  form.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches("select[name=level], select[name=key_column], select[name=year_column], " +
        "select[name=preview_column], input[name=wide_years], select.match, " +
        "select[name=datum], select[name=lon_column], select[name=lat_column], " +
        "select[name=category_column]")) {
      update();
    }
  });
})();
