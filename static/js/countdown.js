// What the countdown says, as pure functions of the whole seconds left (the server's clock).
// The polite live region holds announcement(left): its text changes only when `left` reaches a
// boundary — each whole minute until the last minute, then every 10 seconds, then "time is up" —
// so a screen reader hears it once a minute, every 10 s in the last minute, never every second.
// warning(left) is the visible alert: "five" in the last 5 minutes, "one" in the last minute.
// `texts`: {minutes: "... __N__ ...", seconds: "... __N__ ...", up: "..."}.
// Tested over a list of inputs in tests/e2e/test_quiz_page.py (exact outputs).
(function (global) {
  "use strict";
  function announcement(left, texts) {
    if (left <= 0) return texts.up;
    if (left <= 60) {
      const s = Math.ceil(left / 10) * 10; // the last boundary reached: 60, 50, ..., 10
      return s === 60 ? texts.minutes.replace("__N__", "1") : texts.seconds.replace("__N__", String(s));
    }
    return texts.minutes.replace("__N__", String(Math.ceil(left / 60)));
  }
  function warning(left) {
    if (left <= 0) return null;
    if (left <= 60) return "one";
    if (left <= 300) return "five";
    return null;
  }
  global.Countdown = { announcement: announcement, warning: warning };
})(window);
