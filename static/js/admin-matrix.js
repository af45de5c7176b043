// Fact matrix: when a support level changes, offer to clear or keep the extension
// and note, so a cell never says "Built in" while naming a package.
(function () {
  "use strict";
  var EXTENSION_LEVELS = ["official-extension", "third-party"];

  function button(text, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "button";
    b.textContent = text;
    b.addEventListener("click", onClick);
    return b;
  }

  function field(cell, name) {
    return cell.querySelector("[name$='-" + name + "']");
  }

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("#matrix-form select[name$='-level']")) return;
    var cell = select.closest("td");
    var via = field(cell, "via");
    if (!via) return; // traits and use cases name no extension
    var link = field(cell, "via_url");
    var note = field(cell, "note");
    var old = cell.querySelector(".level-prompt");
    if (old) old.remove();
    var label = select.options[select.selectedIndex].text;
    var prompt = document.createElement("span");
    prompt.className = "level-prompt";
    prompt.setAttribute("role", "status");
    var details = cell.querySelector("details");
    if (EXTENSION_LEVELS.indexOf(select.value) !== -1) {
      if (via.value) return; // switching between extension levels keeps both
      prompt.textContent = "“" + label + "” needs the extension's name: ";
      prompt.appendChild(button("Name it", function () {
        details.open = true;
        via.focus();
        prompt.remove();
      }));
    } else if (via.value || link.value || note.value) {
      var what = via.value ? "“" + via.value + "”" : "The note";
      prompt.textContent = what + " may no longer fit “" + label + "”. ";
      if (via.value || link.value) {
        prompt.appendChild(button("Clear extension and note", function () {
          via.value = link.value = note.value = "";
          prompt.remove();
        }));
        prompt.appendChild(button("Clear extension, keep note", function () {
          via.value = link.value = "";
          prompt.remove();
        }));
      } else {
        prompt.appendChild(button("Clear the note", function () {
          note.value = "";
          prompt.remove();
        }));
        prompt.appendChild(button("Keep it", function () { prompt.remove(); }));
      }
    } else {
      return;
    }
    select.parentNode.appendChild(prompt);
  });
})();
