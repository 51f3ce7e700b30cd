// Keyboard access to tables that scroll sideways (WCAG 2.1.1, GB/T 37668): a wrapper
// whose table is wider than the screen gets a tab stop and a name, so the arrow keys
// scroll it. Runs on load and when the window is resized.
(function () {
  function name(box) {
    var caption = box.querySelector('caption');
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    var card = box.closest('section, .card') || box.closest('details');
    var heading = card && card.querySelector('h1, h2, h3, summary');
    return (heading && heading.textContent.trim()) || '表格';
  }
  function mark() {
    var used = {};
    document.querySelectorAll('[role="region"][aria-label]').forEach(function (el) {
      used[el.getAttribute('aria-label')] = true;
    });
    document.querySelectorAll('.table-responsive').forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute('tabindex')) {
        box.setAttribute('tabindex', '0');
        box.setAttribute('role', 'region');
        if (!box.hasAttribute('aria-label')) {
          var label = name(box) + '（可左右滚动）', n = 1;
          while (used[label]) label = name(box) + ' ' + (++n) + '（可左右滚动）';
          used[label] = true;
          box.setAttribute('aria-label', label);
          box.dataset.a11yLabel = '1';
        }
        box.dataset.a11yScroll = '1';
      } else if (!scrolls && box.dataset.a11yScroll) {
        box.removeAttribute('tabindex');
        box.removeAttribute('role');
        if (box.dataset.a11yLabel) box.removeAttribute('aria-label');
        delete box.dataset.a11yScroll;
        delete box.dataset.a11yLabel;
      }
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mark);
  else mark();
  window.addEventListener('resize', mark);
})();
