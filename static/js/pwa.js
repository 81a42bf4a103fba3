// Registers the service worker (/sw.js, static/js/sw.js) that lets the attempt page reopen
// without a network. A page loaded before the worker took control (the very first visit) asks
// it to store that page now, so even the first attempt page survives a reload offline.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  const controlled = !!navigator.serviceWorker.controller;
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
    return navigator.serviceWorker.ready;
  }).then(function (registration) {
    if (controlled || !document.getElementById("attempt") || !registration.active) return;
    registration.active.postMessage({ type: "keep-page", url: window.location.pathname });
  }).catch(function () { /* no worker: the pages still work online */ });
})();
