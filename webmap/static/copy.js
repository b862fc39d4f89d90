// "Copy" beside every snippet of a map or dataset page: the iframe code, the oEmbed URL
// (buttons in the page, data-copy-target = the id of the field) and each download link
// and map image (a small button added after every link of .downloads, .get-data and
// .exports, copying its absolute URL). The Clipboard API where the page may use it, else the selection and
// execCommand("copy"); the result is announced in #copy-status.
(function () {
  "use strict";
  var section = document.getElementById("embed-snippet");
  if (!section) return;
  var status = document.getElementById("copy-status");
  var words = section.dataset;

  function say(text, ok) {
    if (!status) return;
    status.textContent = text;
    status.setAttribute("data-copied", ok ? "yes" : "no");
  }

  function legacyCopy(text) {
    var field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.style.cssText = "position:fixed;top:0;left:-9999px;opacity:0";
    document.body.appendChild(field);
    field.select();
    var done = false;
    try { done = document.execCommand("copy"); } catch (err) { done = false; }
    field.remove();
    return done;
  }

  function copy(text, button) {
    function ok() {
      say(words.copied + ": " + (text.length > 80 ? text.slice(0, 77) + "…" : text), true);
      button.setAttribute("data-copied", "yes");
      // Feedback where the reader looks: the button itself, for a moment.
      var label = button.getAttribute("data-label") || button.textContent;
      button.setAttribute("data-label", label);
      button.textContent = button.classList.contains("copy-link") ? "✓" : words.copied;
      setTimeout(function () { button.textContent = label; }, 1500);
    }
    function fallback() {
      if (legacyCopy(text)) ok();
      else say(words.copyFailed, false);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(ok, fallback);
    } else {
      fallback();
    }
  }

  document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = document.getElementById(button.getAttribute("data-copy-target"));
      if (field) copy(field.value, button);
    });
  });

  document.querySelectorAll(".downloads a[href], .get-data a[href], p.exports a[href]").forEach(function (link) {
    if (link.classList.contains("credit")) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button copy-link";
    button.textContent = words.copy;
    var name = (link.textContent || "").trim();
    button.title = words.copyLink + (name ? ": " + name : "");
    button.setAttribute("aria-label", button.title);
    button.addEventListener("click", function () { copy(link.href, button); });
    link.after(button);
  });
})();
