// "Add a published point table" in a choropleth's Facilities control: search the published
// point tables by title (GET /api/point-datasets?q=&lang=), and "Add" puts a checked
// points=dataset:ID box into the form and applies it (the map reloads with the points,
// keeping the view). Titles are user text: shown with textContent only.
(function () {
  "use strict";
  var picker = document.getElementById("point-table-picker");
  if (!picker) return;
  var input = document.getElementById("point-table-search");
  var list = document.getElementById("point-table-results");
  var status = document.getElementById("point-table-status");
  var form = picker.closest("form");
  var words = picker.dataset;
  var timer = null, asked = 0, loaded = false;

  function chosen() {
    return Array.prototype.map.call(form.querySelectorAll("input[name=points]:checked"), function (box) {
      return box.value.split("@")[0];
    });
  }

  function add(item) {
    var label = document.createElement("label");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.name = "points";
    box.value = item.token;
    box.checked = true;
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + item.title));
    picker.parentNode.insertBefore(label, picker);
    if (form.requestSubmit) form.requestSubmit();
    else form.submit();
  }

  function show(items) {
    list.textContent = "";
    var taken = chosen();
    items.forEach(function (item) {
      var row = document.createElement("li");
      var title = document.createElement("span");
      title.className = "point-table-title";
      title.textContent = item.title;
      var count = document.createElement("span");
      count.className = "muted";
      // The id tells apart tables of the same title.
      count.textContent = "(" + (item.points == null ? "" : item.points + " " + words.points + " · ") + item.id + ")";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "point-table-add";
      button.textContent = words.add;
      button.setAttribute("aria-label", words.add + ": " + item.title);
      button.setAttribute("data-token", item.token);
      if (taken.indexOf(item.token) >= 0) button.disabled = true;
      button.addEventListener("click", function () { add(item); });
      row.appendChild(title);
      row.appendChild(count);
      row.appendChild(button);
      list.appendChild(row);
    });
    status.textContent = items.length ? words.found.replace("{count}", items.length) : words.none;
  }

  function search() {
    var mine = ++asked;
    var url = words.api + "?lang=" + encodeURIComponent(words.lang) + "&q=" + encodeURIComponent(input.value.trim());
    fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (mine !== asked) return;  // a newer query is on its way
        if (data.error) { status.textContent = data.error; list.textContent = ""; return; }
        show(data.datasets || []);
        picker.setAttribute("data-searched", input.value.trim());
      })
      .catch(function () { if (mine === asked) status.textContent = words.none; });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); clearTimeout(timer); search(); }
  });
  // The newest tables are listed as soon as the control is opened.
  function first() { if (!loaded) { loaded = true; search(); } }
  input.addEventListener("focus", first);
  var details = picker.closest("details");
  if (details) {
    details.addEventListener("toggle", function () { if (details.open) first(); });
    if (details.open) first();
  }
})();
