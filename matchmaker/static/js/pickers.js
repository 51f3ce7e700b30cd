// Searchable pickers for long selects marked data-picker ("multi" or "one"), with Tom Select
// (static/vendor/tom-select). Type to search, tap to pick; chosen items stay in view as
// chips with a remove button. The native select stays in the form, so submitting is
// unchanged, and without JavaScript the page shows the plain select and its hint.
// Region options carry data-level (0 province / 兵团, 1 prefecture / 师, 2 county) and
// data-short (the name alone), set by services/reference/choices.py.
(function () {
  "use strict";
  if (typeof TomSelect === "undefined") { return; }

  function optionHtml(data, escape) {
    var level = parseInt(data.level || "0", 10) || 0;
    var text = String(data.text || "").trim();
    var short = data.short ? String(data.short) : text;
    var path = text !== short && text.slice(-short.length) === short
      ? text.slice(0, text.length - short.length).trim() : "";
    return '<div class="picker-level-' + Math.min(level, 2) + '">'
      + (path ? '<span class="picker-path">' + escape(path) + " </span>" : "")
      + escape(short) + "</div>";
  }

  document.querySelectorAll("select[data-picker]").forEach(function (select) {
    var multiple = select.multiple;
    var plugins = multiple ? { remove_button: { title: "移除" } } : { dropdown_input: {} };
    var picker = new TomSelect(select, {
      plugins: plugins,
      maxOptions: null,
      refreshThrottle: 0, // filter on every keystroke (224 options are cheap): no late re-open
      allowEmptyOption: !multiple,
      closeAfterSelect: !multiple,
      clearAfterSelect: true,
      hidePlaceholder: true,
      lockOptgroupOrder: true,
      searchField: ["text"],
      placeholder: multiple ? "输入名称搜索，可选多项" : "输入名称搜索",
      render: {
        option: optionHtml,
        item: function (data, escape) { return "<div>" + escape(String(data.text || "").trim()) + "</div>"; },
        no_results: function () { return '<div class="no-results">没有匹配的选项</div>'; },
        optgroup_header: function (data, escape) {
          return '<div class="optgroup-header">' + escape(data.label) + "</div>";
        }
      }
    });
    picker.wrapper.classList.add("picker");
    // The native select now only carries the value (Tom Select points the label at its own
    // control): hide it from assistive technology, which would find it nameless.
    select.setAttribute("aria-hidden", "true");
    // A select named by aria-label (filters) hands its name to the control people use.
    var name = select.getAttribute("aria-label");
    if (name) {
      select.removeAttribute("aria-label");
      picker.focus_node.setAttribute("aria-label", name);
      picker.dropdown_content.setAttribute("aria-label", name);
      if (picker.control_input && picker.control_input !== picker.focus_node) {
        picker.control_input.setAttribute("aria-label", "搜索" + name);
      }
    }
    var field = select.closest(".mb-3") || select.parentElement;
    field.querySelectorAll(".js-native-hint").forEach(function (hint) { hint.remove(); });
  });
})();
