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
