/* Datasette 0.65.5's column menu, usable from the keyboard. table.js puts a ⚙ icon (an <svg>) beside each column
 * name and opens the menu on a mouse click only; here each icon becomes a button in the Tab order: Enter or Space
 * opens the menu (by the same click table.js listens for) and moves focus to its first item, Escape closes it and
 * returns focus to the icon, and Tab past the last item closes it. chinese-labels.js names each icon in Chinese.
 */
(function () {
  function firstShownLink(menu) {
    return Array.prototype.find.call(menu.querySelectorAll("a"), function (a) {
      return a.offsetParent !== null;
    });
  }

  function start() {
    var menu = document.querySelector(".dropdown-menu .dropdown-sort-asc");
    menu = menu && menu.closest(".dropdown-menu");
    if (!menu) {
      return;
    }
    menu.setAttribute("role", "group");
    var opener = null;

    function close(returnFocus) {
      menu.style.display = "none";
      if (opener) {
        opener.closest("tr").classList.remove("column-menu-open");
        opener.setAttribute("aria-expanded", "false");
        if (returnFocus) {
          opener.focus();
        }
      }
      opener = null;
    }

    document.querySelectorAll(".rows-and-columns th .dropdown-menu-icon").forEach(function (icon) {
      var th = icon.closest("th");
      icon.setAttribute("tabindex", "0");
      icon.setAttribute("role", "button");
      icon.setAttribute("aria-haspopup", "true");
      icon.setAttribute("aria-expanded", "false");
      if (!icon.getAttribute("aria-label")) {
        icon.setAttribute("aria-label", "“" + th.getAttribute("data-column") + "”列的菜单");
      }
      icon.addEventListener("keydown", function (ev) {
        if (ev.key !== "Enter" && ev.key !== " ") {
          return;
        }
        ev.preventDefault();
        // On a phone the header row is on screen only while focus is in it (site.css): it stays while the menu,
        // placed under the column's name, is open.
        icon.closest("tr").classList.add("column-menu-open");
        icon.dispatchEvent(new MouseEvent("click", {bubbles: true, cancelable: true}));
        opener = icon;
        icon.setAttribute("aria-expanded", "true");
        var first = firstShownLink(menu);
        if (first) {
          first.focus();
        }
      });
    });
    menu.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") {
        close(true);
      }
    });
    // The menu sits at the end of the page: leaving it by Tab goes back to the column it belongs to.
    menu.addEventListener("focusout", function (ev) {
      if (opener && !menu.contains(ev.relatedTarget)) {
        var back = opener;
        close(false);
        if (!ev.relatedTarget || back.compareDocumentPosition(ev.relatedTarget) & Node.DOCUMENT_POSITION_FOLLOWING) {
          back.focus();
        }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", start);
})();
