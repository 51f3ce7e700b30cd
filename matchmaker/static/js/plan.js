// 建议方案: 全选 / 全不选 and a live total of the ticked rows (万元). The page works
// without it: the server shows the total of the rows ticked when the page was drawn.
document.querySelectorAll("form.js-plan").forEach(function (form) {
  var boxes = form.querySelectorAll('input[name="include"]');
  var total = form.querySelector("[data-plan-total]");
  var count = form.querySelector("[data-plan-count]");
  var tools = form.querySelector("[data-plan-tools]");

  function amountOf(box) {
    var input = box.closest("tr").querySelector('input[name="amount_wan"]');
    var text = (input ? input.value : "").replace(/[,，\s]/g, "");
    return /^\d+(\.\d{0,4})?$/.test(text) ? Math.round(parseFloat(text) * 10000) : null;
  }

  function refresh() {
    var yuan = 0, ticked = 0, bad = false;
    boxes.forEach(function (box) {
      if (!box.checked) { return; }
      ticked += 1;
      var value = amountOf(box);
      if (value === null) { bad = true; } else { yuan += value; }
    });
    if (count) { count.textContent = String(ticked); }
    if (total) {
      var wan = (yuan / 10000).toLocaleString("zh-CN", { maximumFractionDigits: 4 });
      total.textContent = bad ? wan + "（有金额无法识别）" : wan;
    }
  }

  form.querySelectorAll("[data-plan-select]").forEach(function (button) {
    button.addEventListener("click", function () {
      var on = button.dataset.planSelect === "all";
      boxes.forEach(function (box) { box.checked = on; });
      refresh();
    });
  });
  form.addEventListener("change", refresh);
  form.addEventListener("input", refresh);
  if (tools) { tools.hidden = false; }
  refresh();
});
