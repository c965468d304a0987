/* SarcoKG cohort site: filter the case list by a Table 1 count (#kN), and
   outline the mention a fact links to (#ev-N). No network, no libraries. */
(function () {
  "use strict";

  function filterCases() {
    var table = document.querySelector("table.cases");
    var note = document.getElementById("filter-note");
    var showAll = document.getElementById("show-all");
    var labelsEl = document.getElementById("filter-labels");
    if (!table || !note || !labelsEl) { return; }
    var labels = JSON.parse(labelsEl.textContent);
    var key = window.location.hash.replace(/^#/, "");
    var rows = table.tBodies[0].rows;
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var keep = !key || (rows[i].getAttribute("data-k") || "").indexOf(" " + key + " ") >= 0;
      rows[i].hidden = !keep;
      if (keep) { shown += 1; }
    }
    if (key && labels[key]) {
      note.textContent = shown + " case" + (shown === 1 ? "" : "s") + " with " + labels[key] + ".";
      if (showAll) { showAll.hidden = false; }
    } else {
      note.textContent = note.getAttribute("data-all");
      if (showAll) { showAll.hidden = true; }
    }
  }

  function outlineMention() {
    var key = window.location.hash.replace(/^#/, "");
    var marks = document.querySelectorAll("mark[data-ev]");
    for (var i = 0; i < marks.length; i++) {
      var hit = key.indexOf("ev-") === 0 && marks[i].getAttribute("data-ev").indexOf(" " + key + " ") >= 0;
      marks[i].classList.toggle("hit", hit);
    }
  }

  function update() { filterCases(); outlineMention(); }
  window.addEventListener("hashchange", update);
  document.addEventListener("DOMContentLoaded", update);
})();
