// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Take keyboard and screen-reader users straight to a form's list of problems.
  const summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }

  // Leaving a page with typed but unsaved text asks first (the browser's own "Leave site?" question): a link to the
  // next standard, another value's tab or another form's button would otherwise lose it without a word. Saving the
  // form itself never asks.
  const guarded = document.querySelectorAll("form[data-warn-unsaved]");
  let unsaved = false;
  guarded.forEach((form) => {
    form.addEventListener("input", () => {
      unsaved = true;
    });
    form.addEventListener("change", () => {
      unsaved = true;
    });
    form.addEventListener("submit", () => {
      unsaved = false;
    });
  });
  if (guarded.length) {
    window.addEventListener("beforeunload", (event) => {
      if (unsaved) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }
});
