// Facts to re-check: tick every fact on the page at once.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var all = document.getElementById("select-page");
    if (!all) return;
    var boxes = document.querySelectorAll("#recheck-form input[name='fact']");
    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
    });
    var matching = document.getElementById("all-matching");
    if (matching) {
      matching.addEventListener("change", function () {
        if (matching.checked) {
          all.checked = true;
          boxes.forEach(function (box) { box.checked = true; });
        }
      });
    }
  });
})();
