// The live dashboard of a quiz round: fetches the JSON API with the session cookie (and the
// page's CSRF token, which a GET by session needs) every data-interval ms, and redraws.
(function () {
  "use strict";
  const root = document.getElementById("dashboard");
  if (!root) return;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const msg = root.dataset;
  const still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const charts = {};
  // Numbers in the page's language, as the server writes them (vi 3.000 · 7,5; en 3,000 · 7.5).
  const lang = document.documentElement.lang || undefined;
  const count = new Intl.NumberFormat(lang);
  const points = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 2 });
  function n(x) { return count.format(x); }
  function sc(x) { return typeof x === "number" ? points.format(x) : x; }

  function chart(id, type, labels, datasets, horizontal) {
    if (typeof Chart === "undefined") return;
    if (charts[id]) {
      charts[id].data.labels = labels;
      charts[id].data.datasets.forEach(function (d, i) { d.data = datasets[i].data; });
      charts[id].update(still ? "none" : undefined);
      return;
    }
    charts[id] = new Chart(document.getElementById(id), {
      type: type, data: { labels: labels, datasets: datasets },
      options: { animation: still ? false : {}, indexAxis: horizontal ? "y" : "x",
                 scales: { y: { beginAtZero: true }, x: { beginAtZero: true } } }
    });
  }

  function rows(id, lines) {
    const body = document.getElementById(id);
    body.replaceChildren();
    lines.forEach(function (cells) {
      const tr = document.createElement("tr");
      cells.forEach(function (c) { const td = document.createElement("td"); td.textContent = c; tr.appendChild(td); });
      body.appendChild(tr);
    });
  }

  function show(d) {
    document.getElementById("fig-active").textContent = n(d.active_now);
    document.getElementById("fig-started").textContent = n(d.started);
    document.getElementById("fig-finished").textContent = n(d.finished);
    const labels = d.buckets.map(function (b) { return b.label; });
    chart("chart-buckets", "bar", labels, [
      { label: msg.startedLabel, data: d.buckets.map(function (b) { return b.started; }), backgroundColor: "#0d6efd" },
      { label: msg.finishedLabel, data: d.buckets.map(function (b) { return b.finished; }), backgroundColor: "#198754" }]);
    rows("table-buckets", d.buckets.map(function (b) { return [b.label, n(b.started), n(b.finished)]; }));
    chart("chart-scores", "bar", d.scores.map(function (s) { return sc(s.score); }),
      [{ label: msg.countLabel, data: d.scores.map(function (s) { return s.count; }), backgroundColor: "#b02a37" }]);
    rows("table-scores", d.scores.map(function (s) { return [sc(s.score), n(s.count)]; }));
    chart("chart-units", "bar", d.units.map(function (u) { return u.unit; }),
      [{ label: msg.participantsLabel, data: d.units.map(function (u) { return u.participants; }), backgroundColor: "#6f42c1" }], true);
    rows("table-units", d.units.map(function (u) { return [u.unit, n(u.participants)]; }));
    const list = document.getElementById("missed");
    list.replaceChildren();
    d.missed.forEach(function (m) {
      const li = document.createElement("li");
      li.className = "list-group-item d-flex justify-content-between";
      const text = document.createElement("span"); text.textContent = m.text;
      const badge = document.createElement("span"); badge.className = "badge text-bg-danger ms-2"; badge.textContent = count.format(m.missed);
      li.append(text, badge);
      list.appendChild(li);
    });
  }

  function refresh() {
    fetch(root.dataset.url, { credentials: "same-origin", headers: { "X-CSRFToken": csrf, "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (d) { show(d); document.getElementById("dash-status").textContent = ""; })
      .catch(function () { document.getElementById("dash-status").textContent = msg.error; })
      .finally(function () { setTimeout(refresh, parseInt(root.dataset.interval, 10) || 5000); });
  }
  refresh();
})();
