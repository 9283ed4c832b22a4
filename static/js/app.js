// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // The phone menu: its button shows and hides the links (Bootstrap's collapse markup, without Bootstrap's
  // JavaScript, which the site no longer ships). Without JavaScript, no-js.css keeps the links open.
  document.querySelectorAll('[data-bs-toggle="collapse"]').forEach((button) => {
    const menu = document.querySelector(button.dataset.bsTarget);
    if (!menu) {
      return;
    }
    button.addEventListener("click", () => {
      const open = menu.classList.toggle("show");
      button.setAttribute("aria-expanded", String(open));
    });
  });

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
