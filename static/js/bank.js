// Question form: add/remove option rows, show the right answer controls for the kind.
(function () {
  "use strict";
  var form = document.getElementById("question-form");
  if (!form) return;
  var list = document.getElementById("options");
  var template = document.getElementById("option-template");
  var kind = form.querySelector("[data-kind-select]");

  function renumber() {
    list.querySelectorAll(".option-row").forEach(function (row, i) {
      row.querySelectorAll("input, textarea").forEach(function (el) {
        el.name = el.name.replace(/^options-(\d+|__index__)-/, "options-" + i + "-");
        el.id = el.name;
      });
    });
  }

  function single() {
    return kind && kind.value === "single";
  }

  document.getElementById("add-option").addEventListener("click", function () {
    if (list.querySelectorAll(".option-row").length >= 26) return;
    list.appendChild(template.content.cloneNode(true));
    renumber();
    var rows = list.querySelectorAll(".option-row");
    rows[rows.length - 1].querySelector("textarea, input[type=text]").focus();
  });

  list.addEventListener("click", function (event) {
    var button = event.target.closest(".remove-option");
    if (!button) return;
    if (list.querySelectorAll(".option-row").length <= 2) return;
    button.closest(".option-row").remove();
    renumber();
  });

  // One correct answer: ticking an option unticks the others.
  list.addEventListener("change", function (event) {
    if (!single() || event.target.type !== "checkbox" || !event.target.checked) return;
    list.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      if (box !== event.target) box.checked = false;
    });
  });

  function showKind() {
    var tf = kind && kind.value === "true_false";
    document.getElementById("options-block").hidden = tf;
    document.getElementById("truth-block").hidden = !tf;
  }
  if (kind) kind.addEventListener("change", showKind);
  showKind();
})();
