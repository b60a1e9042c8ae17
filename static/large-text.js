/* The 大字 (large text) switch for older readers. The choice is kept in this browser's localStorage, never in a
 * cookie, and is applied from <head>, before the page is drawn, as the class "large-text" on <html> (site.css
 * makes the text half as large again). Without JavaScript the button stays hidden (base.html) and the page keeps the
 * browser's own text size, which browser zoom and a minimum font size enlarge just as well.
 */
(function () {
  var KEY = "budget-site-large-text";
  var root = document.documentElement;

  function stored() {
    try {
      return localStorage.getItem(KEY) === "1";
    } catch (e) {  // storage switched off: the switch still works for this page
      return false;
    }
  }

  function apply(on) {
    root.classList.toggle("large-text", on);
    document.querySelectorAll(".large-text-switch").forEach(function (button) {
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  apply(stored());
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".large-text-switch").forEach(function (button) {
      button.parentNode.hidden = false;  // its list item, hidden in the page as sent
      button.addEventListener("click", function () {
        var on = !root.classList.contains("large-text");
        try {
          if (on) {
            localStorage.setItem(KEY, "1");
          } else {
            localStorage.removeItem(KEY);
          }
        } catch (e) {}
        apply(on);
      });
    });
    apply(root.classList.contains("large-text"));
  });
})();
