// Markdown fields in the admin (django-markdownx), two additions:
// - an "Insert image" button: pick a file, describe it, and ![description](address)
//   is inserted at the cursor (drag and drop still works too);
// - live previews for editors added to the page later (a new FAQ entry), which
//   markdownx only sets up for the editors present when the page loads.
(function () {
  "use strict";

  function csrfToken(element) {
    var form = element.closest("form");
    var input = form && form.querySelector("input[name='csrfmiddlewaretoken']");
    return input ? input.value : "";
  }

  function post(url, body, editor) {
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(editor), "X-Requested-With": "XMLHttpRequest" },
    });
  }

  function refreshPreview(editor) {
    // markdownx previews on "input"; editors it never set up get ours below.
    editor.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function insertAtCursor(editor, text) {
    var start = editor.selectionStart, end = editor.selectionEnd;
    editor.setRangeText(text, start, end, "end");
    editor.focus();
    refreshPreview(editor);
  }

  function toolbar(box) {
    var editor = box.querySelector(".markdownx-editor");
    // The hidden template Django copies for "Add another" gets its toolbar when copied.
    if (!editor || box.querySelector(".markdown-toolbar") || box.closest(".empty-form")) return;
    var bar = document.createElement("div");
    bar.className = "markdown-toolbar";
    bar.innerHTML =
      '<button type="button" class="button markdown-image-button">Insert image…</button>' +
      '<input type="file" accept="image/png,image/jpeg" hidden>' +
      '<span class="markdown-image-alt" hidden><label>Describe the image for readers who cannot see it ' +
      '<input type="text" maxlength="200" size="40"></label> ' +
      '<button type="button" class="button" data-act="insert">Insert</button> ' +
      '<button type="button" class="button" data-act="cancel">Cancel</button></span>' +
      '<span class="markdown-image-status" role="status"></span>';
    box.insertBefore(bar, box.firstChild);
    var file = bar.querySelector("input[type=file]");
    var altBox = bar.querySelector(".markdown-image-alt");
    var alt = altBox.querySelector("input");
    var status = bar.querySelector(".markdown-image-status");
    var chosen = null;

    // markdownx's own drag-and-drop upload: when the server refuses an image it types
    // "Invalid response" into the text. Put the text back and say why instead.
    box.addEventListener("markdownx.fileUploadError", function (event) {
      var answer = (event.detail && event.detail[0]) || {};
      var text = editor.value, start = editor.selectionStart, end = editor.selectionEnd;
      status.textContent = (answer.image || ["The image could not be uploaded."])[0];
      setTimeout(function () {  // markdownx inserts its text right after this event
        editor.value = text;
        editor.setSelectionRange(start, end);
        refreshPreview(editor);
      });
    });

    function reset() {
      chosen = null;
      file.value = "";
      alt.value = "";
      altBox.hidden = true;
    }

    bar.querySelector(".markdown-image-button").addEventListener("click", function () {
      file.click();
    });
    file.addEventListener("change", function () {
      if (!file.files.length) return;
      chosen = file.files[0];
      status.textContent = "";
      altBox.hidden = false;
      alt.focus();
    });
    alt.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault(); // never submit the whole page from here
        bar.querySelector("[data-act=insert]").click();
      }
    });
    bar.querySelector("[data-act=cancel]").addEventListener("click", function () {
      reset();
      editor.focus();
    });
    bar.querySelector("[data-act=insert]").addEventListener("click", function () {
      var description = alt.value.trim().replace(/[[\]]/g, "");
      if (!description) {
        status.textContent = "Describe the image first: readers who cannot see it hear this.";
        alt.focus();
        return;
      }
      var body = new FormData();
      body.append("image", chosen);
      status.textContent = "Uploading…";
      post(editor.getAttribute("data-markdownx-upload-urls-path"), body, editor)
        .then(function (response) {
          return response.json().then(function (data) { return { ok: response.ok, data: data }; });
        })
        .then(function (result) {
          var match = result.ok && /\]\((.+)\)$/.exec(result.data.image_code || "");
          if (!match) {
            status.textContent = (result.data.image || ["The image could not be uploaded."])[0];
            return;
          }
          insertAtCursor(editor, "![" + description + "](" + match[1] + ")");
          status.textContent = "Image inserted.";
          reset();
        })
        .catch(function () {
          status.textContent = "The image could not be uploaded. Check your connection and try again.";
        });
    });
  }

  function ownPreview(box) {
    var editor = box.querySelector(".markdownx-editor");
    var preview = box.querySelector(".markdownx-preview");
    if (!editor || !preview || editor.hasAttribute("data-pickframe-preview")) return;
    editor.setAttribute("data-pickframe-preview", "");
    var timer = null;
    function render() {
      var body = new FormData();
      body.append("content", editor.value);
      post(editor.getAttribute("data-markdownx-urls-path"), body, editor)
        // A 400 says why there is no preview (the text is too long): show that too.
        .then(function (response) {
          return response.ok || response.status === 400 ? response.text() : "";
        })
        .then(function (html) { preview.innerHTML = html; }); // sanitized by the server
    }
    editor.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(render, 500);
    });
    render();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".markdownx").forEach(toolbar);
  });
  // Django's admin sends formset:added for each inline row added on the page.
  document.addEventListener("formset:added", function (event) {
    event.target.querySelectorAll(".markdownx").forEach(function (box) {
      toolbar(box);
      ownPreview(box);
    });
  });
})();
