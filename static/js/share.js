// "Copy link" on the verdict page; without JavaScript the link is still selectable.
(function () {
  "use strict";
  var button = document.querySelector("[data-copy]");
  if (!button || !navigator.clipboard) return;
  var input = document.getElementById(button.getAttribute("data-copy"));
  var status = document.querySelector(".share-status");
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(input.value).then(
      function () { status.textContent = "Link copied."; },
      function () { input.select(); status.textContent = "Press Ctrl+C (or ⌘C) to copy the selected link."; }
    );
  });
})();
