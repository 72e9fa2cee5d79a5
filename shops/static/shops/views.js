/* Counts one view of the product page (shops/views_counter.py): a beacon once per page load. */
(function () {
  var script = document.currentScript;
  var url = script && script.getAttribute("data-url");
  if (!url) return;
  try {
    if (navigator.sendBeacon) { navigator.sendBeacon(url); }
    else if (window.fetch) { fetch(url, { method: "POST", keepalive: true, credentials: "omit" }); }
  } catch (e) { /* counting a view must never break the page */ }
})();
