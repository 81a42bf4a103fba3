// Taking a quiz round: server-clock countdown, autosave with offline retry, restore on reload.
// Answers and the prediction share one queue on the device: {question id: [option ids],
// "prediction": number or null}; option ids are the page's (public) ones, sent back as given.
// Both go to the JSON API (/api/v1) with the session cookie and the page's CSRF token.
(function () {
  "use strict";
  const root = document.getElementById("attempt");
  if (!root) return;
  const attemptId = root.dataset.attemptId;
  const deadline = Date.parse(root.dataset.deadline);
  const grace = parseInt(root.dataset.grace || "0", 10) * 1000;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const storeKey = "attempt-" + attemptId + "-pending";
  const msg = root.dataset;
  const connection = document.getElementById("connection");
  let closed = false;
  let retryTimer = null;
  // Kept on the device per attempt, beside the queue: what the server acknowledged (answers,
  // prediction, when) and the answers it refused because they came after the time was up.
  const savedKey = "attempt-" + attemptId + "-saved";
  const refusedKey = "attempt-" + attemptId + "-refused";
  const pageKey = "attempt-" + attemptId + "-page";
  const syncStatus = document.getElementById("sync-status");
  const resultLink = document.getElementById("result-link");
  function loadJSON(key, empty) {
    try { return JSON.parse(localStorage.getItem(key)) || empty; } catch (e) { return empty; }
  }
  function storeJSON(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode */ }
  }
  // The page reopened by the service worker without a network (data-from-cache, sw.js) is the one
  // stored at an earlier visit: its server time is that visit's, so the offset between the
  // server's clock and this device's measured at the last visit online is used instead.
  const fromCache = root.dataset.fromCache === "1";
  const seen = loadJSON(pageKey, {});
  const offset = fromCache && typeof seen.offset === "number" ? seen.offset
    : Date.parse(root.dataset.serverTime) - Date.now(); // server minus device clock
  if (!fromCache) storeJSON(pageKey, { offset: offset });

  function serverNow() { return Date.now() + offset; }

  function loadPending() {
    try { return JSON.parse(localStorage.getItem(storeKey) || "{}"); } catch (e) { return {}; }
  }
  function storePending(pending) {
    try { localStorage.setItem(storeKey, JSON.stringify(pending)); } catch (e) { /* private mode */ }
  }

  function pad2(n) { return (n < 10 ? "0" : "") + n; }
  function acknowledged(key, value, savedAt) {
    const saved = loadJSON(savedKey, { answers: {} });
    if (key === "prediction") saved.prediction = value; else saved.answers[key] = value;
    const at = Date.parse(savedAt);
    saved.at = isNaN(at) ? Date.now() : at;
    storeJSON(savedKey, saved);
  }
  // What is on the server and what still waits on this device, in words (the bar under the clock).
  function showSync() {
    if (!syncStatus) return;
    const waiting = Object.keys(loadPending()).length;
    const refused = loadJSON(refusedKey, []).length;
    const saved = loadJSON(savedKey, { answers: {} });
    const parts = [];
    if (waiting) parts.push(msg.msgWaiting.replace("__N__", waiting));
    else if (saved.at) {
      const at = new Date(saved.at);
      parts.push(msg.msgSavedAt.replace("__T__", pad2(at.getHours()) + ":" + pad2(at.getMinutes())));
    }
    if (refused) parts.push(msg.msgRefused.replace("__N__", refused));
    syncStatus.textContent = parts.join(" ");
    syncStatus.className = "small mt-1 fw-semibold " + (refused ? "text-danger-emphasis" : waiting ? "text-warning-emphasis" : "text-success-emphasis");
    syncStatus.dataset.waiting = String(waiting);
  }
  // Refused after the time was up (409 attempt_closed): said on the question and in the bar,
  // kept on the device, never dropped without a word.
  function refuse(key) {
    const pending = loadPending(); delete pending[key]; storePending(pending);
    const refused = loadJSON(refusedKey, []);
    if (refused.indexOf(String(key)) === -1) refused.push(String(key));
    storeJSON(refusedKey, refused);
  }

  function questionBox(qid) { return root.querySelector('.question[data-question="' + qid + '"]'); }
  function chosen(qid) {
    return Array.from(questionBox(qid).querySelectorAll("input:checked")).map(function (i) { return parseInt(i.value, 10); });
  }
  function setState(qid, text, cls) {
    const el = questionBox(qid).querySelector(".save-state");
    el.textContent = text;
    el.className = "small save-state " + (cls || "text-muted");
  }
  // Flagged for review: kept on this device only, per attempt (the server needs not know).
  const flagKey = "attempt-" + attemptId + "-flags";
  function loadFlags() {
    try { return JSON.parse(localStorage.getItem(flagKey) || "[]").map(String); } catch (e) { return []; }
  }
  function storeFlags(flags) {
    try { localStorage.setItem(flagKey, JSON.stringify(flags)); } catch (e) { /* private mode */ }
  }
  function isFlagged(qid) { return loadFlags().indexOf(String(qid)) !== -1; }

  // The navigator says each state in text and icon, not colour alone: ✓ answered, ⚑ flagged.
  function markNavigator(qid) {
    const link = root.querySelector('.nav-q[data-question="' + qid + '"]');
    if (!link) return;
    const answered = chosen(qid).length > 0;
    const flagged = isFlagged(qid);
    link.classList.toggle("btn-success", answered);
    link.classList.toggle("btn-outline-secondary", !answered);
    link.classList.toggle("nav-flagged", flagged);
    link.querySelector(".nav-state").textContent = (answered ? " ✓" : "") + (flagged ? " ⚑" : "");
    const n = link.dataset.position;
    let label = (answered ? msg.msgNavAnswered : msg.msgNavUnanswered).replace("__N__", n);
    if (flagged) label += ", " + msg.msgNavFlagged;
    link.setAttribute("aria-label", label);
    const button = questionBox(qid).querySelector(".flag-toggle");
    if (button) button.setAttribute("aria-pressed", flagged ? "true" : "false");
    summarize();
  }
  function summarize() {
    const unanswered = [], flagged = [];
    root.querySelectorAll(".question").forEach(function (b) {
      if (!b.querySelector("input:checked")) unanswered.push(b.dataset.position);
      if (isFlagged(b.dataset.question)) flagged.push(b.dataset.position);
    });
    const text = unanswered.length ? msg.msgUnanswered.replace("__N__", unanswered.length) : msg.msgAllAnswered;
    document.getElementById("answered-summary").textContent = text;
    document.getElementById("confirm-summary").textContent = text;
    const listUnanswered = document.getElementById("confirm-unanswered");
    listUnanswered.textContent = unanswered.length ? msg.msgListUnanswered.replace("__L__", unanswered.join(", ")) : "";
    listUnanswered.hidden = !unanswered.length;
    const listFlagged = document.getElementById("confirm-flagged");
    listFlagged.textContent = flagged.length ? msg.msgListFlagged.replace("__L__", flagged.join(", ")) : "";
    listFlagged.hidden = !flagged.length;
  }
  root.querySelectorAll(".flag-toggle").forEach(function (button) {
    button.addEventListener("click", function () {
      const qid = String(button.dataset.question);
      const flags = loadFlags().filter(function (f) { return f !== qid; });
      if (button.getAttribute("aria-pressed") !== "true") flags.push(qid);
      storeFlags(flags);
      markNavigator(qid);
    });
  });

  // A question reached from the navigator lands below the sticky bar, whatever its height.
  const bar = root.querySelector(".attempt-bar");
  function fitBar() { root.style.setProperty("--attempt-bar-height", (bar.offsetHeight + 8) + "px"); }
  fitBar();
  window.addEventListener("resize", fitBar);

  // Signed out or the page's CSRF token expired (401, 403 csrf_failed): the answer stays queued
  // on the device, to be sent from a fresh page; a refusal of the answer itself drops it.
  function keepQueued(response) { return response.status === 401 || response.status === 403; }

  function send(qid, optionIds) {
    const url = root.dataset.saveUrl.replace(/\/0$/, "/" + qid);
    setState(qid, msg.msgSaving);
    return fetch(url, {
      method: "PUT", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ option_ids: optionIds })
    }).then(function (response) {
      if (response.ok) {
        const pending = loadPending();
        if (pending[qid] && JSON.stringify(pending[qid]) === JSON.stringify(optionIds)) {
          delete pending[qid];
          storePending(pending);
        }
        return response.json().catch(function () { return {}; }).then(function (body) {
          acknowledged(qid, optionIds, body.saved_at);
          setState(qid, msg.msgSaved, "text-success");
          if (!closed) connection.textContent = "";
          showSync();
          return true;
        });
      }
      if (response.status === 409) {
        refuse(qid);
        setState(qid, msg.msgLate, "text-danger");
        closeAttempt();
        return false;
      }
      if (response.status >= 500 || response.status === 429) return waitAsTold(response);
      return response.json().then(function (body) {
        setState(qid, (body.error && body.error.message) || msg.msgError, "text-danger");
        if (keepQueued(response)) return false;
        const pending = loadPending(); delete pending[qid]; storePending(pending);
        return false;
      });
    }).catch(function () {
      setState(qid, msg.msgError, "text-warning-emphasis");
      if (!closed) connection.textContent = serverSays || msg.msgOffline;
      serverSays = null;
      showSync();
      scheduleRetry();
      return false;
    });
  }

  // --- the prediction question -------------------------------------------------------
  const predictionInput = document.getElementById("prediction");
  const predictionState = document.getElementById("prediction-state");
  const predictionMax = parseInt(msg.predictionMax, 10);
  let predictionTimer = null;

  function setPredictionState(text, cls) {
    if (!predictionState) return;
    predictionState.textContent = text;
    predictionState.className = "small mt-1 " + (cls || "text-muted");
    predictionInput.classList.toggle("is-invalid", cls === "text-danger");
  }
  // {ok: true, value: number|null} or {ok: false, message}; the field's text is never changed.
  function readPrediction() {
    const text = predictionInput.value.trim();
    if (text === "") return { ok: true, value: null };
    if (!/^[0-9]+$/.test(text)) return { ok: false, message: msg.msgPredictionInvalid };
    const value = parseInt(text, 10);
    if (value > predictionMax) return { ok: false, message: msg.msgPredictionTooLarge };
    return { ok: true, value: value };
  }
  function sendPrediction(value) {
    setPredictionState(msg.msgSaving);
    return fetch(root.dataset.predictionUrl, {
      method: "PUT", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ prediction: value })
    }).then(function (response) {
      if (response.ok) {
        const pending = loadPending();
        if ("prediction" in pending && pending.prediction === value) {
          delete pending.prediction;
          storePending(pending);
        }
        return response.json().catch(function () { return {}; }).then(function (body) {
          acknowledged("prediction", value, body.saved_at);
          setPredictionState(msg.msgSaved, "text-success");
          if (!closed) connection.textContent = "";
          showSync();
          return true;
        });
      }
      if (response.status === 409) {
        refuse("prediction");
        setPredictionState(msg.msgLate, "text-danger");
        closeAttempt();
        return false;
      }
      if (response.status >= 500 || response.status === 429) return waitAsTold(response);
      return response.json().then(function (body) {
        setPredictionState((body.error && body.error.message) || msg.msgError, "text-danger");
        if (keepQueued(response)) return false;
        const pending = loadPending(); delete pending.prediction; storePending(pending);
        return false;
      });
    }).catch(function () {
      setPredictionState(msg.msgError, "text-warning-emphasis");
      if (!closed) connection.textContent = serverSays || msg.msgOffline;
      serverSays = null;
      showSync();
      scheduleRetry();
      return false;
    });
  }
  function predictionTyped() {
    if (closed) return;
    const read = readPrediction();
    if (!read.ok) {
      // Refused in words and not sent: the last valid prediction (saved, or still queued
      // offline) is the one that counts until the field holds a whole number again.
      setPredictionState(read.message, "text-danger");
      return;
    }
    const pending = loadPending();
    pending.prediction = read.value;
    storePending(pending);
    showSync();
    sendPrediction(read.value);
  }
  if (predictionInput) {
    predictionInput.addEventListener("input", function () {
      clearTimeout(predictionTimer);
      predictionTimer = setTimeout(predictionTyped, 600);
    });
    predictionInput.addEventListener("change", function () {
      clearTimeout(predictionTimer);
      predictionTyped();
    });
  }

  function flush() {
    const pending = loadPending();
    const ids = Object.keys(pending);
    return Promise.all(ids.map(function (key) {
      if (key === "prediction") return predictionInput ? sendPrediction(pending.prediction) : true;
      return send(key, pending[key]);
    }));
  }
  // Too fast (429) or the server busy (503): resend after the Retry-After it gives (at least
  // the usual 3 s, at most a minute), the answers staying queued on the device meanwhile.
  // What the server said (429: "Bạn thao tác quá nhanh…") stands in the connection line instead
  // of "offline" while the answer waits.
  let retryDelay = 3000;
  let serverSays = null;
  function waitAsTold(response) {
    const seconds = parseInt(response.headers.get("Retry-After") || "", 10);
    if (seconds > 0) retryDelay = Math.max(retryDelay, Math.min(seconds, 60) * 1000);
    return response.json().catch(function () { return {}; }).then(function (body) {
      if (response.status === 429 && body.error && body.error.message) serverSays = body.error.message;
      throw new Error("retry");
    });
  }
  function scheduleRetry() {
    if (retryTimer) return;
    const delay = retryDelay;
    retryDelay = 3000;
    retryTimer = setTimeout(function () { retryTimer = null; flush(); }, delay);
  }

  // Closed (time up or submitted elsewhere): to the result at once, unless answers still wait
  // on the device (they are sent when the network is back, and accepted or refused in words) or
  // some were refused (the member reads which before going on through the link).
  let leaving = false;
  function closeAttempt() {
    if (!closed) {
      closed = true;
      root.querySelectorAll(".question input").forEach(function (i) { i.disabled = true; });
      if (predictionInput) predictionInput.disabled = true;
    }
    showSync();
    connection.textContent = msg.msgClosed;
    if (Object.keys(loadPending()).length) { scheduleRetry(); return; }
    if (loadJSON(refusedKey, []).length) { if (resultLink) resultLink.hidden = false; return; }
    if (leaving) return;
    leaving = true;
    setTimeout(function () { window.location.href = root.dataset.resultUrl; }, 1500);
  }

  root.querySelectorAll(".question").forEach(function (box) {
    const qid = box.dataset.question;
    box.addEventListener("change", function () {
      if (closed) return;
      const ids = chosen(qid);
      const pending = loadPending();
      pending[qid] = ids;
      storePending(pending);
      markNavigator(qid);
      showSync();
      send(qid, ids);
    });
  });

  // A page reopened from the service worker's cache shows the answers as they stood at that
  // earlier visit: the ones the server acknowledged since then are put back from the device.
  if (fromCache) {
    const saved = loadJSON(savedKey, { answers: {} });
    Object.keys(saved.answers).forEach(function (qid) {
      const box = questionBox(qid);
      if (!box) return;
      box.querySelectorAll("input").forEach(function (i) { i.checked = saved.answers[qid].indexOf(parseInt(i.value, 10)) !== -1; });
      setState(qid, msg.msgSaved, "text-success");
    });
    if ("prediction" in saved && predictionInput) {
      predictionInput.value = saved.prediction === null ? "" : String(saved.prediction);
    }
  }
  loadJSON(refusedKey, []).forEach(function (key) {
    if (key === "prediction") setPredictionState(msg.msgLate, "text-danger");
    else if (questionBox(key)) setState(key, msg.msgLate, "text-danger");
  });
  // Restore answers chosen on this device that had not reached the server yet.
  const pending = loadPending();
  if ("prediction" in pending) {
    if (predictionInput) {
      predictionInput.value = pending.prediction === null ? "" : String(pending.prediction);
    } else {
      delete pending.prediction;
    }
  }
  Object.keys(pending).forEach(function (qid) {
    if (qid === "prediction") return;
    const box = questionBox(qid);
    if (!box) { delete pending[qid]; return; }
    box.querySelectorAll("input").forEach(function (i) { i.checked = pending[qid].indexOf(parseInt(i.value, 10)) !== -1; });
    markNavigator(qid);
  });
  storePending(pending);
  root.querySelectorAll(".question").forEach(function (box) { markNavigator(box.dataset.question); });
  showSync();
  flush();
  summarize();
  // Sent again when the network comes back, and every 15 s while anything still waits.
  window.addEventListener("online", flush);
  setInterval(function () { if (Object.keys(loadPending()).length && !retryTimer) flush(); }, 15000);

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  const countdown = document.getElementById("countdown");
  const announcer = document.getElementById("countdown-announcer");
  const warningBox = document.getElementById("countdown-warning");
  const texts = { minutes: msg.msgLeftMinutes, seconds: msg.msgLeftSeconds, up: msg.msgTimeUp };
  let announced = null, warned = null;
  function tick() {
    const left = Math.max(0, Math.floor((deadline - serverNow()) / 1000));
    const h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    // The visible clock ticks every second; it is not a live region (role=timer, aria-live=off).
    countdown.textContent = (h ? h + ":" + pad(m) : pad(m)) + ":" + pad(s);
    countdown.classList.toggle("text-bg-danger", left <= 60);
    countdown.classList.toggle("text-bg-dark", left > 60);
    // The live region is written only when its text changes (see countdown.js); not on load.
    const said = window.Countdown.announcement(left, texts);
    if (announced !== null && said !== announced) announcer.textContent = said;
    announced = said;
    const level = window.Countdown.warning(left);
    if (level !== warned) {
      warned = level;
      warningBox.hidden = !level;
      warningBox.textContent = level === "five" ? msg.msgWarnFive : level === "one" ? msg.msgWarnOne : "";
    }
    if (left === 0 && !closed) {
      root.querySelectorAll(".question input").forEach(function (i) { i.disabled = true; });
      if (predictionInput) predictionInput.disabled = true;
      connection.textContent = msg.msgClosed;
      if (serverNow() > deadline + grace + 1000) { flush().then(closeAttempt); return; }
    }
    setTimeout(tick, 500);
  }
  tick();

  const form = document.getElementById("submit-form");
  const confirmButton = document.getElementById("confirm-submit-button");
  const confirmPrediction = document.getElementById("confirm-prediction");
  // The dialog says when the prediction is missing (it breaks ties) or cannot be accepted.
  function checkPredictionForSubmit() {
    if (!predictionInput) return true;
    const read = readPrediction();
    if (!read.ok) {
      confirmPrediction.textContent = read.message;
      confirmPrediction.hidden = false;
      setPredictionState(read.message, "text-danger");
      return false;
    }
    confirmPrediction.textContent = read.value === null ? msg.msgPredictionEmpty : "";
    confirmPrediction.hidden = read.value !== null;
    return true;
  }
  document.getElementById("confirm-submit").addEventListener("show.bs.modal", function () {
    confirmButton.disabled = !checkPredictionForSubmit();
  });
  confirmButton.addEventListener("click", function (event) {
    if (!checkPredictionForSubmit()) { event.target.disabled = true; return; }
    event.target.disabled = true;
    clearTimeout(predictionTimer);
    flush().then(function () {
      [storeKey, flagKey, savedKey, refusedKey, pageKey].forEach(function (k) { localStorage.removeItem(k); });
      form.submit();
    });
  });
})();
