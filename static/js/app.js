// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Take keyboard and screen-reader users straight to a form's list of problems.
  const summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
});
