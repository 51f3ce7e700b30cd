// Ask before destructive actions: forms with class "js-confirm" and a data-confirm text.
document.querySelectorAll("form.js-confirm").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    if (!window.confirm(form.dataset.confirm || "确定执行此操作？")) {
      event.preventDefault();
    }
  });
});
