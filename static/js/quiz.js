// Progressive enhancement for /quiz/: one question per step with Back/Next and a
// progress line. Without JavaScript the same form shows every question at once.
(function () {
  "use strict";
  var form = document.getElementById("quiz");
  if (!form) return;
  var steps = Array.prototype.slice.call(form.querySelectorAll(".quiz-step"));
  var back = form.querySelector('[data-quiz="back"]');
  var next = form.querySelector('[data-quiz="next"]');
  var submit = form.querySelector('[data-quiz="submit"]');
  var progress = document.getElementById("quiz-progress");
  var current = 0;
  // The funnel (where people give up): one beacon the first time this page shows
  // each step. It carries the step's name and nothing else; the server keeps a
  // count per day and step. A page shown again after a refused submission counts
  // nothing: its visitor was counted when the quiz first loaded.
  var beacon = form.getAttribute("data-beacon");
  var counting = !!(beacon && navigator.sendBeacon) && !document.getElementById("quiz-problems");
  var counted = {};

  function count(step) {
    if (!counting || counted[step]) return;
    counted[step] = true;
    try {
      navigator.sendBeacon(beacon, new URLSearchParams({ step: step }));
    } catch (error) {
      // Counting is never worth breaking the quiz for.
    }
  }

  function answered(step) {
    return !!step.querySelector("input:checked");
  }

  function show(index, moveFocus) {
    current = index;
    steps.forEach(function (step, i) { step.hidden = i !== index; });
    back.hidden = index === 0;
    next.hidden = index === steps.length - 1;
    submit.hidden = index !== steps.length - 1;
    progress.hidden = false;
    progress.textContent = "Question " + (index + 1) + " of " + steps.length;
    if (index > 0) count("question-" + (index + 1));
    if (moveFocus) {
      var target = steps[index].querySelector("input:checked") || steps[index].querySelector("input");
      if (target) target.focus();
    }
  }

  form.classList.add("stepped");
  next.addEventListener("click", function () {
    var step = steps[current];
    if (step.querySelector("input[required]") && !answered(step)) {
      step.querySelector("input").reportValidity();
      return;
    }
    show(current + 1, true);
  });
  back.addEventListener("click", function () { show(current - 1, true); });
  form.addEventListener("keydown", function (event) {
    // Enter on an answer moves on instead of submitting the whole quiz early.
    if (event.key === "Enter" && event.target.type === "radio" && current < steps.length - 1) {
      event.preventDefault();
      next.click();
    }
  });
  count("started");
  // Start at the first unanswered required question, or at the beginning.
  var firstProblem = steps.findIndex(function (s) { return s.querySelector("input[required]") && !answered(s); });
  show(firstProblem > 0 ? firstProblem : 0, false);
})();
