// The service worker (issue 12 point 5), served from /sw.js so that it controls the whole site.
// It keeps two caches and nothing else:
//   - the app shell (CSS, JS, fonts, icons, the vendored libraries under /static/): served from
//     the cache at once and refreshed behind it, so a page opens on a weak network;
//   - the member's own attempt page (/attempts/<id>), network first: each visit online stores the
//     fresh page, and a reload without a network reopens the stored one (attempt.js then puts back
//     the answers kept on the device and runs the countdown from the deadline in the page); so
//     does a reload while the server answers 503 (its database does not answer for a moment).
// Never cached: the API (/api/...), every other page (organizer pages among them) and an attempt
// page the server did not mark as the member's own (an organizer's read-only view of it). The
// pages are forgotten at sign-in and sign-out, so the next person on the phone sees none of them.
"use strict";
const VERSION = "v1";
const SHELL = "shell-" + VERSION;
const PAGES = "attempt-pages-" + VERSION;
const SHELL_FILES = [
  "/static/vendor/bootstrap-5.3.9/bootstrap.min.css",
  "/static/vendor/bootstrap-5.3.9/bootstrap.bundle.min.js",
  "/static/css/app.css",
  "/static/js/countdown.js",
  "/static/js/attempt.js",
  "/static/js/pwa.js",
  "/static/favicon.svg",
  "/static/img/icon-192.png",
  "/static/manifest.webmanifest"
];
const ATTEMPT_PAGE = /^\/attempts\/\d+$/;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.addAll(SHELL_FILES); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== SHELL && k !== PAGES; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

// Only a page the server marked as the member's own attempt (X-Offline-Page: attempt), reached
// without a redirect (a finished attempt redirects to its result: its stored page is dropped).
// The response given is the worker's own copy (cloned before the page reads the original).
function keepPage(url, response) {
  return caches.open(PAGES).then(function (cache) {
    if (response.ok && !response.redirected && response.headers.get("X-Offline-Page") === "attempt") {
      return cache.put(url, response);
    }
    if (response.redirected || response.status === 404 || response.status === 403) return cache.delete(url);
  });
}

// The stored page, or null. Said in the page, so that attempt.js knows its server time is an
// earlier visit's.
function storedAttemptPage(url) {
  return caches.open(PAGES).then(function (cache) { return cache.match(url); }).then(function (hit) {
    if (!hit) return null;
    return hit.text().then(function (html) {
      return new Response(html.replace('<div id="attempt" ', '<div id="attempt" data-from-cache="1" '),
        { status: 200, headers: { "Content-Type": "text/html; charset=utf-8" } });
    });
  });
}

// A 503 (the server's database does not answer for a moment) reopens the stored page as no
// network does: the member goes on answering, the answers wait on the device.
function attemptPage(event, url) {
  return fetch(event.request).then(function (response) {
    if (response.status === 503) {
      return storedAttemptPage(url).then(function (stored) { return stored || response; });
    }
    event.waitUntil(keepPage(url, response.clone()));
    return response;
  }).catch(function () {
    return storedAttemptPage(url).then(function (stored) { return stored || Response.error(); });
  });
}

function shellFile(event) {
  return caches.open(SHELL).then(function (cache) {
    return cache.match(event.request, { ignoreSearch: false }).then(function (hit) {
      const fresh = fetch(event.request).then(function (response) {
        if (response.ok) return cache.put(event.request, response.clone()).then(function () { return response; });
        return response;
      });
      if (hit) { event.waitUntil(fresh.catch(function () {})); return hit; }
      return fresh;
    });
  });
}

self.addEventListener("fetch", function (event) {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && (url.pathname === "/logout" || url.pathname === "/login")) {
    event.waitUntil(caches.delete(PAGES));  // and the request goes to the network untouched
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate" && ATTEMPT_PAGE.test(url.pathname)) {
    event.respondWith(attemptPage(event, url.origin + url.pathname));
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) event.respondWith(shellFile(event));
  // Anything else (the API, every other page) goes to the network and is never stored.
});

// A page opened before this worker controlled it asks for itself to be stored (pwa.js).
self.addEventListener("message", function (event) {
  const data = event.data || {};
  if (data.type !== "keep-page" || typeof data.url !== "string") return;
  const url = new URL(data.url, self.location.origin);
  if (url.origin !== self.location.origin || !ATTEMPT_PAGE.test(url.pathname)) return;
  const key = url.origin + url.pathname;
  event.waitUntil(fetch(key, { credentials: "same-origin" }).then(function (response) {
    return keepPage(key, response);
  }).catch(function () {}));
});
