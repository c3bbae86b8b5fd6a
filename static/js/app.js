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
