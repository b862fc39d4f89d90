// The dataset manage page. The manage link carries the edit token in its fragment
// (#token=…), which the browser never sends to any server. On opening, the token moves to
// sessionStorage (this tab only, gone when it closes) and leaves the address bar and the
// history entry (history.replaceState), so it is not in the browser's history or a shared
// screen; "Copy the manage link" rebuilds the link when it is wanted. The token goes to the
// JSON API only, as Authorization: Bearer.
(function () {
  "use strict";
  var root = document.getElementById("manage");
  if (!root) return;
  var storageKey = "atlas-manage-token:" + root.dataset.api;
  function remember(value) {
    try {
      sessionStorage.setItem(storageKey, value);
    } catch (err) {
      /* storage refused (private mode): the token lives in this page only */
    }
  }
  function remembered() {
    try {
      return sessionStorage.getItem(storageKey) || "";
    } catch (err) {
      return "";
    }
  }
  var token = new URLSearchParams(location.hash.slice(1)).get("token") || "";
  if (token) {
    remember(token);
    history.replaceState(null, "", location.pathname + location.search);
  } else {
    token = remembered();
  }
  var errorBox = document.getElementById("manage-error");
  var resultBox = document.getElementById("manage-result");
  var lang = root.dataset.lang;

  function show(box, text) {
    errorBox.hidden = true;
    resultBox.hidden = true;
    box.textContent = text;
    box.hidden = false;
  }

  function manageLink() {
    return location.origin + location.pathname + location.search + "#token=" + token;
  }
  var copyButton = document.getElementById("copy-manage-link");
  var copied = document.getElementById("copied-manage-link");
  copyButton.hidden = !token;
  copyButton.addEventListener("click", function () {
    var link = manageLink();
    copied.value = link;
    copied.hidden = false;
    copied.select();
    var done = function () {
      show(resultBox, root.dataset.msgCopied);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(link).then(done, function () {
        document.execCommand("copy");
        done();
      });
    } else {
      document.execCommand("copy");
      done();
    }
  });
  if (!token) show(errorBox, root.dataset.msgNoToken);

  function call(method, url, body) {
    if (!token) {
      show(errorBox, root.dataset.msgNoToken);
      return Promise.reject(new Error("no token"));
    }
    return fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + "lang=" + lang, {
      method: method,
      headers: { Authorization: "Bearer " + token },
      body: body,
      credentials: "same-origin",
      referrerPolicy: "no-referrer",
      cache: "no-store",
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          show(errorBox, data.error || String(response.status));
          throw new Error(data.error);
        }
        return data;
      });
    });
  }

  function published(data) {
    show(resultBox, root.dataset.msgSaved.replace("{version}", data.version));
    // The page now describes the version just published.
    document.getElementById("manage-version").textContent = String(data.version);
    if (data.created_at) {
      document.getElementById("manage-date").textContent = data.created_at.slice(0, 19).replace("T", " ");
    }
    var link = document.createElement("a");
    link.href = data.url + (data.url.indexOf("?") < 0 ? "?" : "&") + "lang=" + lang;
    link.id = "new-version-link";
    link.textContent = " v" + data.version;
    resultBox.appendChild(link);
  }

  var versionForm = document.getElementById("new-version");
  var uploadButton = document.getElementById("upload-version");
  var previewFrame = document.getElementById("version-preview");

  function versionData() {
    var data = new FormData(versionForm);
    versionForm.querySelectorAll("[data-preview-only]").forEach(function (el) { data.delete(el.name); });
    return data;
  }

  // getAttribute: the form has a field named "dataset", which shadows form.dataset.
  var previewUrl = versionForm.getAttribute("data-preview");
  if (previewUrl && previewFrame) {
    // A new version is checked and previewed (POST /datasets/preview, the same check the
    // PUT makes) before "Publish this version" is enabled; another file needs a new check.
    versionForm.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!versionForm.reportValidity()) return;
      uploadButton.disabled = true;
      errorBox.hidden = true;
      previewFrame.hidden = false;
      versionForm.setAttribute("action", previewUrl);
      versionForm.setAttribute("method", "post");
      versionForm.setAttribute("target", "version-preview");
      HTMLFormElement.prototype.submit.call(versionForm);
    });
    previewFrame.addEventListener("load", function () {
      var doc = previewFrame.contentDocument;
      if (!doc || !doc.body || !doc.body.children.length) return;
      var failed = doc.getElementById("form-error");
      if (failed) {
        show(errorBox, failed.textContent);
        uploadButton.disabled = true;
      } else {
        uploadButton.disabled = false;
      }
      root.setAttribute("data-previewed", failed ? "error" : "ok");
    });
    versionForm.querySelector("input[name=file]").addEventListener("change", function () {
      uploadButton.disabled = true;
      root.removeAttribute("data-previewed");
    });
    uploadButton.addEventListener("click", function () {
      uploadButton.disabled = true;
      call("PUT", root.dataset.api, versionData()).then(function (data) {
        published(data);
        previewFrame.hidden = true;
        versionForm.reset();
      }, function () { uploadButton.disabled = false; });
    });
  } else {
    versionForm.addEventListener("submit", function (event) {
      event.preventDefault();
      call("PUT", root.dataset.api, versionData()).then(published, function () {});
    });
  }
  var metadata = document.getElementById("metadata");
  if (metadata) {
    metadata.addEventListener("submit", function (event) {
      event.preventDefault();
      call("PUT", root.dataset.api, new FormData(event.target)).then(published, function () {});
    });
  }
  document.getElementById("replace-token").addEventListener("click", function () {
    call("POST", root.dataset.tokenApi).then(function (data) {
      token = data.edit_token;
      remember(token);
      var link = document.getElementById("new-manage-url");
      link.href = data.manage_url;
      link.textContent = data.manage_url;
      document.getElementById("new-manage").hidden = false;
      show(resultBox, root.dataset.msgNewToken);
    }, function () {});
  });
  document.getElementById("delete-dataset").addEventListener("click", function () {
    if (!window.confirm(root.dataset.msgConfirm)) return;
    call("DELETE", root.dataset.api).then(function () {
      show(resultBox, root.dataset.msgDeleted);
      document.querySelectorAll("#manage form, #manage button").forEach(function (el) {
        el.hidden = true;
      });
    }, function () {});
  });
})();
