/* datasette-vega's chart panel (a 944 KB bundle) loads only when a reader asks for it, so a table page stays light.
 *
 * base.html puts this script on pages that chart rows, with the bundle's addresses in data-chart-script and
 * data-chart-styles. A button where the panel will appear loads the bundle and opens the panel; a link to a chart
 * (#g.mark=…&g.x_column=…, as the landing page makes) loads it at once and the bundle draws that chart itself.
 * The bundle starts on DOMContentLoaded, which has passed by then: its listener is kept while it loads and then
 * called. The package's own code is unchanged (chinese-labels.js relabels its panel in Chinese).
 */
(function () {
  var me = document.currentScript;
  var table = document.querySelector("table.rows-and-columns");
  var jsonLink = document.querySelector(".export-links a[href*=json]"); // what the bundle charts
  if (!me || !table || !jsonLink || !window.fetch) {
    return;
  }
  var bundle = me.getAttribute("data-chart-script");
  var styles = (me.getAttribute("data-chart-styles") || "").split(" ").filter(Boolean);

  var holder = document.createElement("div");
  holder.className = "chart-launcher";
  var button = document.createElement("button");
  button.type = "button";
  button.textContent = "显示图表选项";
  holder.appendChild(button);
  table.parentNode.insertBefore(holder, table); // where the bundle puts its panel

  function openPanel() {
    var show = document.querySelector(".datasette-vega-inactive button");
    if (show) {
      show.click();
    }
    focusPanel(50);
  }

  // The button that was focused is gone with its holder: a keyboard reader carries on in the panel it opened,
  // once the bundle has drawn it (a moment after the click).
  function focusPanel(triesLeft) {
    var first = document.querySelector("#graphForm input, #graphForm select, #graphForm button");
    if (first) {
      first.focus();
    } else if (triesLeft > 0) {
      setTimeout(focusPanel, 100, triesLeft - 1);
    }
  }

  function load(thenOpen) {
    button.disabled = true;
    button.textContent = "正在加载图表工具…";
    styles.forEach(function (href) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = href;
      document.head.appendChild(link);
    });
    var starters = [];
    document.addEventListener = function (type, listener, options) {
      if (type === "DOMContentLoaded") {
        starters.push(listener);
      } else {
        EventTarget.prototype.addEventListener.call(document, type, listener, options);
      }
    };
    var script = document.createElement("script");
    script.src = bundle;
    script.onload = function () {
      delete document.addEventListener;
      holder.remove();
      starters.forEach(function (start) {
        start.call(document, new Event("DOMContentLoaded"));
      });
      if (thenOpen) {
        openPanel();
      }
    };
    script.onerror = function () {
      delete document.addEventListener;
      button.disabled = false;
      button.textContent = "图表工具没有加载成功，点此重试";
    };
    document.head.appendChild(script);
  }

  button.addEventListener("click", function () {
    load(true);
  });
  if (/(^#|&)g\./.test(location.hash)) {
    // After the page's other deferred scripts (table.js), whose own DOMContentLoaded listeners must not be caught.
    document.addEventListener("DOMContentLoaded", function () {
      load(false);
    });
  }
})();
