// Progress for sheet imports (no inline scripts: CSP script-src 'self').
// Upload: the file goes up by XHR so the bar shows the real upload percentage, then an
// animated bar with elapsed seconds while the server checks every row. Confirm: an animated
// bar with elapsed seconds while all rows are saved. Without JavaScript the forms still work.
(function () {
  "use strict";

  function showProgress(form) {
    var box = form.querySelector(".upload-progress");
    if (!box) { return null; }
    box.classList.remove("d-none");
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    return {
      bar: box.querySelector("[data-progress-bar]"),
      text: box.querySelector("[data-progress-text]")
    };
  }

  function ticking(ui, label) {
    var started = Date.now();
    ui.bar.classList.add("progress-bar-striped", "progress-bar-animated", "w-100");
    ui.bar.style.width = "";
    var update = function () {
      ui.text.textContent = label + "（已用 " + Math.round((Date.now() - started) / 1000) + " 秒）";
    };
    update();
    return window.setInterval(update, 1000);
  }

  document.querySelectorAll("form.js-upload-progress").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.XMLHttpRequest || !window.FormData) { return; }
      event.preventDefault();
      var ui = showProgress(form);
      var xhr = new XMLHttpRequest();
      var timer = null;
      xhr.open("POST", form.action || window.location.href);
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable && ui) {
          var pct = Math.round(e.loaded * 100 / e.total);
          ui.bar.style.width = pct + "%";
          ui.text.textContent = "正在上传… " + pct + "%";
        }
      });
      xhr.upload.addEventListener("load", function () {
        if (ui) { timer = ticking(ui, "上传完成，正在逐行检查…"); }
      });
      xhr.addEventListener("load", function () {
        if (timer) { window.clearInterval(timer); }
        if (xhr.responseURL && xhr.responseURL !== window.location.href &&
            xhr.status === 200 && xhr.responseURL.indexOf("/import/") !== -1) {
          window.location.assign(xhr.responseURL);
          return;
        }
        document.open();
        document.write(xhr.responseText);
        document.close();
      });
      xhr.addEventListener("error", function () {
        if (timer) { window.clearInterval(timer); }
        form.submit();
      });
      xhr.send(new FormData(form));
    });
  });

  document.querySelectorAll("form.js-save-progress").forEach(function (form) {
    form.addEventListener("submit", function () {
      var ui = showProgress(form);
      if (ui) { ticking(ui, "正在保存 " + (form.dataset.rows || "") + " 行，请勿关闭页面…"); }
    });
  });

  // A large import running as a background job: poll its small JSON status and update the
  // bar; once it has finished, reload the page (preview, result or error). Without
  // JavaScript the page reloads itself (Refresh header) and has a refresh link.
  document.querySelectorAll("[data-status-url]").forEach(function (box) {
    var bar = box.querySelector("[data-progress-bar]");
    var text = box.querySelector("[data-progress-text]");
    if (!bar || !window.fetch) { return; }
    var poll = function () {
      window.fetch(box.dataset.statusUrl, {credentials: "same-origin",
                                           headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (s) {
          if (!s) { return; }
          if (s.finished) { window.location.assign(s.url); return; }
          bar.max = s.rows_total || 1;
          bar.value = s.rows_done;
          if (text) { text.textContent = s.message; }
          window.setTimeout(poll, 1000);
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    };
    window.setTimeout(poll, 1000);
  });
}());
