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
  // A filter box over a long list of choices (evidence to link): shown only with JavaScript, it hides the items
  // whose title does not contain what is typed. Without JavaScript the whole list is there.
  const showFilters = (root) => {
    root.querySelectorAll(".evidence-filter[hidden]").forEach((box) => {
      box.hidden = false;
    });
  };
  showFilters(document);
  document.addEventListener("input", (event) => {
    const box = event.target.closest("[data-filter-list]");
    if (!box) {
      return;
    }
    const list = document.getElementById(box.dataset.filterList);
    const wanted = box.value.trim().toLowerCase();
    let shown = 0;
    list.querySelectorAll("[data-filter-item]").forEach((item) => {
      item.hidden = wanted !== "" && !item.dataset.filterItem.includes(wanted);
      shown += item.hidden ? 0 : 1;
    });
    list.querySelectorAll("[data-filter-group]").forEach((group) => {
      group.hidden = !group.querySelector("[data-filter-item]:not([hidden])");
    });
    const count = document.getElementById(box.getAttribute("aria-describedby"));
    if (count) {
      count.textContent = wanted ? `${shown} item${shown === 1 ? "" : "s"} shown` : "";
    }
  });

  // After htmx replaces part of a page (the evidence of a standard), show its filter and take focus to what it says.
  document.body.addEventListener("htmx:afterSwap", () => {
    showFilters(document);
    const notice = document.querySelector(".evidence-notice");
    if (notice) {
      notice.focus();
    }
  });
});
