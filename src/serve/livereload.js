// bulletin serve: reload the page after each rebuild, swap stylesheets in place, and show a failed
// build over the page until it is fixed. Added to pages by the preview server only.
(function () {
  "use strict";
  var me = document.currentScript;
  var base = (me && me.dataset.base) || "/";
  var version = (me && me.dataset.version) || "0";
  var overlayId = "bulletin-error-overlay";

  function showError(text) {
    var box = document.getElementById(overlayId);
    if (!box) {
      box = document.createElement("div");
      box.id = overlayId;
      box.setAttribute("role", "alertdialog");
      box.setAttribute("aria-label", "构建失败");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.92);" +
        "color:#fff;padding:2rem;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap";
      var title = document.createElement("h2");
      title.textContent = "构建失败 · Build failed";
      title.style.cssText = "color:#ff6b6b;margin:0 0 1rem;font:bold 18px sans-serif";
      var pre = document.createElement("pre");
      pre.style.cssText = "margin:0;white-space:pre-wrap";
      box.appendChild(title);
      box.appendChild(pre);
      document.body.appendChild(box);
    }
    box.querySelector("pre").textContent = text;
  }

  function swapStylesheets() {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var url = new URL(links[i].href, location.href);
      url.searchParams.set("bulletin-reload", String(Date.now()));
      links[i].href = url.toString();
    }
  }

  // A small bar linking the preview to the 工作台 (preview pages only: built sites never carry
  // this script).
  if (document.body && !document.getElementById("bulletin-desk-bar")) {
    var bar = document.createElement("aside");
    bar.id = "bulletin-desk-bar";
    bar.setAttribute("aria-label", "预览工具");
    bar.style.cssText = "position:fixed;right:12px;bottom:12px;z-index:2147483646;background:#123c69;color:#fff;" +
      "padding:6px 12px;border-radius:6px;font:14px/1.4 sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3)";
    var link = document.createElement("a");
    link.href = "/.bulletin/desk/";
    link.textContent = "打开工作台（导入、检查、发布）";
    link.style.cssText = "color:#fff;text-decoration:underline";
    bar.appendChild(link);
    document.body.appendChild(bar);
  }

  var source = new EventSource(base + "__bulletin/events");
  source.addEventListener("hello", function (e) {
    // A page rendered before the latest rebuild is stale: fetch the new one.
    if (e.data !== version && !document.getElementById(overlayId)) { location.reload(); }
  });
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("css", function () { swapStylesheets(); });
  source.addEventListener("build-error", function (e) { showError(e.data); });
})();
