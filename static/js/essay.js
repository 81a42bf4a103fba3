// Writing an entry: live word count (each Vietnamese syllable is a word, as on the server),
// draft saved as the member types, kept on the device when the connection drops.
(function () {
  "use strict";
  const form = document.getElementById("essay-editor");
  if (!form) return;
  const title = form.querySelector('[name="title"]');
  const body = form.querySelector('[name="body"]');
  const counter = document.getElementById("word-count");
  const state = document.getElementById("save-state");
  const msg = form.dataset;
  const min = parseInt(msg.min || "0", 10) || 0;
  const max = parseInt(msg.max || "0", 10) || 0;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const key = msg.storageKey;
  let timer = null;
  let dirty = false;

  function words(text) {
    return text.split(/\s+/).filter(function (t) { return /[\p{L}\p{N}]/u.test(t); }).length;
  }
  function count() {
    const n = words(body.value);
    let text = msg.msgCount.replace("__N__", n);
    let cls = "fw-semibold text-success";
    if (min && n < min) { text += " · " + msg.msgShort.replace("__N__", min - n); cls = "fw-semibold text-danger"; }
    else if (max && n > max) { text += " · " + msg.msgLong.replace("__N__", n - max); cls = "fw-semibold text-danger"; }
    counter.textContent = text;
    counter.className = cls;
  }
  function keepLocally() {
    try { localStorage.setItem(key, JSON.stringify({ title: title.value, body: body.value, at: Date.now() })); } catch (e) { /* private mode */ }
  }
  function forgetLocally() { try { localStorage.removeItem(key); } catch (e) { /* ignore */ } }
  function save() {
    timer = null;
    if (!dirty) return;
    dirty = false;
    state.textContent = msg.msgSaving;
    fetch(msg.draftUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ title: title.value, body: body.value })
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }).then(function (data) {
      forgetLocally();
      const at = new Date(data.saved_at);
      state.textContent = msg.msgSaved.replace("__T__", at.toLocaleTimeString());
      state.className = "text-muted";
    }).catch(function () {
      dirty = true;
      state.textContent = msg.msgOffline;
      state.className = "text-danger";
      timer = setTimeout(save, 5000);
    });
  }
  function changed() {
    dirty = true;
    count();
    keepLocally();
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 1200);
  }
  // A newer text kept on this device (saved while offline) wins over the server's draft.
  try {
    const kept = JSON.parse(localStorage.getItem(key) || "null");
    if (kept && kept.body && kept.body !== body.value) {
      body.value = kept.body;
      if (kept.title) title.value = kept.title;
      dirty = true;
      timer = setTimeout(save, 500);
    }
  } catch (e) { /* ignore */ }
  title.addEventListener("input", changed);
  body.addEventListener("input", changed);
  window.addEventListener("online", function () { if (dirty) save(); });
  form.addEventListener("submit", function () { forgetLocally(); });
  count();
})();
