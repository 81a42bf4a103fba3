// A background job's progress bar: polls GET /api/v1/jobs/{id} with the page's session (and its
// CSRF token, which the API asks of a page's GET) until the job is done or failed, then shows
// what the page put in [data-job-done] (download links), or the job's error and what the page put
// in [data-job-failed] (what to do next).
// Markup: templates/_job_progress.html. Emits "job:done" / "job:failed" on the element.
(function () {
  "use strict";
  const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function start(box) {
    const bar = box.querySelector(".progress");
    const fill = box.querySelector(".progress-bar");
    const status = box.querySelector("[data-job-status]");
    const done = box.querySelector("[data-job-done]");
    const failed = box.querySelector("[data-job-failed]");
    const every = parseInt(box.dataset.interval || "1000", 10);

    function show(fraction) {
      const pct = Math.round(Math.max(0, Math.min(1, fraction)) * 100);
      bar.setAttribute("aria-valuenow", String(pct));
      fill.style.width = pct + "%";
      fill.textContent = pct + "%";
    }
    function poll() {
      fetch(box.dataset.jobUrl, {credentials: "same-origin", headers: {"X-CSRFToken": csrf, "Accept": "application/json"}})
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (job) {
          show(job.progress || 0);
          box.dataset.jobStatus = job.status;
          if (job.status === "done") {
            fill.classList.remove("progress-bar-animated", "progress-bar-striped");
            fill.classList.add("bg-success");
            status.textContent = box.dataset.msgDone;
            if (done) done.hidden = false;
            box.dispatchEvent(new CustomEvent("job:done", {detail: job, bubbles: true}));
          } else if (job.status === "failed") {
            fill.classList.remove("progress-bar-animated");
            fill.classList.add("bg-danger");
            status.textContent = box.dataset.msgFailed + " " + (job.error || "");
            if (failed) failed.hidden = false;
            box.dispatchEvent(new CustomEvent("job:failed", {detail: job, bubbles: true}));
          } else {
            status.textContent = job.status === "queued" ? box.dataset.msgQueued : box.dataset.msgRunning;
            setTimeout(poll, every);
          }
        })
        .catch(function () {
          status.textContent = box.dataset.msgOffline;
          setTimeout(poll, every * 3);
        });
    }
    poll();
  }

  document.querySelectorAll("[data-job-url]").forEach(start);
})();
