// Open the dossier tab named in the URL hash (e.g. after saving a section), and keep the hash in step.
document.addEventListener("DOMContentLoaded", () => {
  const tabs = document.querySelectorAll('[data-bs-toggle="tab"]');
  if (!tabs.length || !window.bootstrap) return;
  const wanted = window.location.hash && document.querySelector(`[data-bs-target="${window.location.hash}-pane"]`);
  if (wanted) window.bootstrap.Tab.getOrCreateInstance(wanted).show();
  tabs.forEach((tab) => tab.addEventListener("shown.bs.tab", (event) => {
    history.replaceState(null, "", event.target.dataset.bsTarget.replace(/-pane$/, ""));
  }));
});

// Assessment forms: show the credit level (Σ weight × rating ÷ Σ weight × 10) while ratings are typed.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-live-score]").forEach((form) => {
    const output = form.querySelector("[data-live-score-output]");
    const update = () => {
      let score = 0, max = 0, filled = 0;
      form.querySelectorAll("input[data-weight]").forEach((input) => {
        const weight = Number(input.dataset.weight), rating = Number(input.value);
        max += weight * 10;
        if (input.value !== "" && rating >= 0 && rating <= 10) { score += weight * rating; filled += 1; }
      });
      output.textContent = filled ? `${(score * 100 / max).toFixed(2)}% (${score} / ${max})` : "—";
    };
    form.addEventListener("input", update);
    update();
  });
});

// Forms that change something hard to undo ask first: <form data-confirm="Question?">.
document.addEventListener("submit", (event) => {
  const question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});

// Print buttons (the printable catalogue): <button data-print>.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});

// Progress bars (the completeness include) take their width from data-width: no style attribute, so the pages
// pass the Content-Security-Policy (style-src 'self'). Runs on load and on every fragment htmx swaps in.
const applyWidths = (root) => {
  root.querySelectorAll("[data-width]").forEach((bar) => { bar.style.width = `${Number(bar.dataset.width)}%`; });
};
document.addEventListener("DOMContentLoaded", () => applyWidths(document));
document.addEventListener("htmx:load", (event) => applyWidths(event.target.parentNode || document));

// Select all: <input type="checkbox" data-select-all="NAME"> ticks every checkbox named NAME in its form, and shows
// the mixed state when only some are ticked. Ticking customers of a handover also chooses "only those ticked".
// form.elements: boxes inside the form and those joined to it with form="…" (the reminders table)
const boxesOf = (form, name) => [...form.elements].filter((box) => box.type === "checkbox" && box.name === name);
const syncSelectAll = (form, name) => {
  const boxes = boxesOf(form, name);
  [...form.elements].filter((box) => box.dataset.selectAll === name).forEach((all) => {
    const ticked = boxes.filter((box) => box.checked).length;
    all.checked = ticked > 0 && ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
  });
};
document.addEventListener("change", (event) => {
  const target = event.target, form = target.form;
  if (!form) return;
  const name = target.dataset.selectAll || (target.type === "checkbox" && target.name);
  if (!name) return;
  if (target.dataset.selectAll) {
    boxesOf(form, name).forEach((box) => { box.checked = target.checked; });
  }
  syncSelectAll(form, name);
  const some = form.querySelector('input[name="scope"][value="some"]');
  if (name === "customers" && some && form.querySelector('input[name="customers"]:checked')) some.checked = true;
});
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-select-all]").forEach((all) => { if (all.form) syncSelectAll(all.form, all.dataset.selectAll); });
});

// Forms that come back with errors (the error-summary include): move the focus to the first field in error, and
// let the summary's links focus the field they name, not only scroll to it.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  const first = summary.querySelector("[data-error-link]");
  const field = first && document.getElementById(first.dataset.errorLink);
  if (field) {
    field.focus();
  } else {
    summary.setAttribute("tabindex", "-1");
    summary.focus();
  }
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("[data-error-link]");
    const target = link && document.getElementById(link.dataset.errorLink);
    if (!target) return;
    event.preventDefault();
    target.focus();
    target.scrollIntoView({ block: "center" });
  });
});

// Ratings 0–10 (5C and feature analysis): a rating outside the range is flagged next to it while typing.
document.addEventListener("input", (event) => {
  const input = event.target;
  if (!input.matches || !input.matches("input.rating-input")) return;
  const value = Number(input.value);
  const outside = input.value !== "" && (!Number.isInteger(value) || value < 0 || value > 10);
  input.classList.toggle("is-invalid", outside);
  input.setAttribute("aria-invalid", outside ? "true" : "false");
  const message = document.getElementById(`${input.id}-range`);
  if (message) message.hidden = !outside;
});

// Tables wider than the screen scroll sideways in .table-responsive: such a region takes the keyboard focus, so it
// can be scrolled without a mouse (WCAG 2.1.1; axe "scrollable-region-focusable").
const focusScrollers = (root) => {
  root.querySelectorAll(".table-responsive").forEach((region) => {
    if (region.scrollWidth > region.clientWidth) region.setAttribute("tabindex", "0");
    else region.removeAttribute("tabindex");
  });
};
document.addEventListener("DOMContentLoaded", () => focusScrollers(document));
document.addEventListener("htmx:load", () => focusScrollers(document));
window.addEventListener("resize", () => focusScrollers(document));

// Card tables (<table class="table-cards">, the customer list): each cell carries its column's heading as data-label,
// which static/css/app.css shows before the value when the rows are cards on a small screen.
const labelCells = (root) => {
  root.querySelectorAll("table.table-cards").forEach((table) => {
    const headings = [];
    table.querySelectorAll("thead th").forEach((th) => {
      for (let span = 0; span < (th.colSpan || 1); span += 1) headings.push(th.textContent.trim());
    });
    table.querySelectorAll("tbody tr").forEach((row) => {
      let column = 0;
      Array.from(row.cells).forEach((cell) => {
        if (headings[column] && cell.colSpan === 1) cell.dataset.label = headings[column];
        column += cell.colSpan || 1;
      });
    });
  });
};
document.addEventListener("DOMContentLoaded", () => labelCells(document));
document.addEventListener("htmx:load", () => labelCells(document));
