// The verdict page: "Copy link" (without JavaScript the link is still selectable), and
// a link to a framework's reasons opens them where they are folded away.
(function () {
  "use strict";
  function reveal() {
    var target = location.hash && document.getElementById(location.hash.slice(1));
    if (target && target.tagName === "DETAILS") target.open = true;
  }
  window.addEventListener("hashchange", reveal);
  reveal();

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
