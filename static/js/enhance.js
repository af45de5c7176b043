// Loaded (blocking, and tiny) in the head of every page: marks the page as having
// JavaScript before its first paint, so CSS can lay out enhanced pages (the quiz's
// one-question steps) from the start instead of shifting once scripts run.
document.documentElement.classList.add("js");
