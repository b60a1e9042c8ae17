/* Chinese for the interface that scripts build in the browser, where the templates cannot reach:
 * - Datasette 0.65.5's table.js: the column menu (⚙ beside each column name) and the ✖ that clears a filter;
 * - datasette-vega 0.6.2's chart panel and vega-embed's menu under a chart (React redraws them, so they are
 *   relabelled after every change; the packages themselves stay as published).
 * Only exact, known English texts are replaced, by text nodes and attributes: data on the page is never touched.
 */
(function () {
  var CHART_TEXT = {
    "Show charting options": "显示图表选项",
    "Charting options": "图表选项",
    "Bar": "柱状图",
    "Line": "折线图",
    "Scatter": "散点图",
    "X column": "X 轴（列）",
    "Y column": "Y 轴（列）",
    "Type": "类型",
    "Numeric": "数值",
    "Numeric, binned": "数值（分段计数）",
    "Date/time": "日期时间",
    "Date/time, binned": "日期时间（分段计数）",
    "Label": "标签（有顺序）",
    "Category": "类别（无顺序）",
    "Swap X and Y": "交换 X 轴和 Y 轴",
    "Color": "颜色",
    "Size": "大小",
    "-- none --": "（不用）",
    "Save as SVG": "保存为 SVG 图片",
    "Save as PNG": "保存为 PNG 图片",
    "View Source": "查看图表定义",
    "View Vega": "查看编译后的图表定义",
    "Open in Vega Editor": "在 Vega 在线编辑器中打开（外部网站）"
  };
  var COLUMN_MENU = {
    "dropdown-sort-asc": "按这一列升序排列",
    "dropdown-sort-desc": "按这一列降序排列",
    "dropdown-facet": "按这一列分面统计",
    "dropdown-hide-column": "隐藏这一列",
    "dropdown-show-all-columns": "显示全部列",
    "dropdown-not-blank": "只看这一列不为空的行"
  };
  var COLUMN_TYPES = {TEXT: "文本", INTEGER: "整数", REAL: "小数", FLOAT: "小数", NUMERIC: "数值", BLOB: "二进制"};

  function relabelText(node, table) {
    var text = node.nodeValue;
    var key = text.trim();
    if (key && Object.prototype.hasOwnProperty.call(table, key)) {
      node.nodeValue = text.replace(key, table[key]);
    }
  }

  function relabelTree(root, table) {
    if (root.nodeType === Node.TEXT_NODE) {
      relabelText(root, table);
      return;
    }
    if (root.nodeType !== Node.ELEMENT_NODE) {
      return;
    }
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      relabelText(walker.currentNode, table);
    }
    // vega-embed names its downloads "visualization.svg"
    root.querySelectorAll('a[download^="visualization."]').forEach(function (a) {
      a.setAttribute("download", a.getAttribute("download").replace("visualization", "图表"));
    });
  }

  function watchCharts(container) {
    relabelTree(container, CHART_TEXT);
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        if (change.type === "characterData") {
          relabelText(change.target, CHART_TEXT);
        } else {
          change.addedNodes.forEach(function (node) {
            relabelTree(node, CHART_TEXT);
          });
        }
      });
    }).observe(container, {childList: true, characterData: true, subtree: true});
  }

  function columnType(text) {
    var match = /^Type: (\S*)( NOT NULL)?$/.exec(text);
    if (!match) {
      return text;
    }
    var name = COLUMN_TYPES[match[1]] || match[1];
    return "类型：" + name + (name !== match[1] ? "（" + match[1] + "）" : "") + (match[2] ? "，不允许为空" : "");
  }

  function relabelColumnMenu() {
    var menu = document.querySelector(".dropdown-menu .dropdown-sort-asc");
    menu = menu && menu.closest(".dropdown-menu");
    if (!menu) {
      return;
    }
    Object.keys(COLUMN_MENU).forEach(function (name) {
      var link = menu.querySelector("a." + name);
      if (link) {
        link.textContent = COLUMN_MENU[name];
      }
    });
    var type = menu.querySelector(".dropdown-column-type");
    if (type) {
      new MutationObserver(function () {
        var chinese = columnType(type.innerText);
        if (chinese !== type.innerText) {
          type.innerText = chinese;
        }
      }).observe(type, {childList: true, characterData: true, subtree: true});
    }
    document.querySelectorAll(".dropdown-menu-icon").forEach(function (icon) {
      var th = icon.closest("th");
      icon.setAttribute("aria-label", "“" + (th ? th.getAttribute("data-column") : "") + "”列的菜单");
    });
  }

  function relabelFilterRows() {
    document.querySelectorAll('.filter-row a[aria-label="Remove this filter"]').forEach(function (a) {
      a.setAttribute("aria-label", "移除这个筛选条件");
      a.setAttribute("title", "移除这个筛选条件");
    });
  }

  function start() {
    relabelColumnMenu();
    relabelFilterRows();
    document.querySelectorAll(".table-wrapper").forEach(watchCharts);
  }

  // Deferred like table.js, which runs after this file: by DOMContentLoaded its menu and links exist.
  document.addEventListener("DOMContentLoaded", start);
})();
