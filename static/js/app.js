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

// "Select all" boxes: <input type="checkbox" data-select-all="ids"> ticks or clears every box named "ids".
document.addEventListener("change", (event) => {
  const name = event.target.dataset && event.target.dataset.selectAll;
  if (!name) return;
  document.querySelectorAll(`input[type="checkbox"][name="${CSS.escape(name)}"]`).forEach((box) => {
    box.checked = event.target.checked;
  });
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
