// Analysis charts (DOMAIN §10): each <div data-chart="kind" data-src="/api/v1/analytics/…"> is drawn with ECharts
// from the same JSON the API returns. A page's chart-<kind>.js registers window.crmCharts[kind] = (data, element)
// → an ECharts option (or null when there is nothing to draw). Clicking a bar or point opens its customers: the
// table row with the same data-drill-key holds the link. Tooltips render on the canvas (renderMode "richText"):
// HTML tooltips carry inline styles, which the Content-Security-Policy refuses.
window.crmCharts = window.crmCharts || {};

(() => {
  const drillTo = (key) => {
    if (key === undefined || key === null) return;
    const row = Array.from(document.querySelectorAll("[data-drill-key]")).find((r) => r.dataset.drillKey === String(key));
    if (row && row.dataset.drillHref) window.location.assign(row.dataset.drillHref);
  };

  const draw = async (element) => {
    const build = window.crmCharts[element.dataset.chart];
    if (!build || !window.echarts) return;
    const response = await fetch(element.dataset.src, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!response.ok) {
      element.dataset.chartError = String(response.status);
      return;
    }
    const option = build(await response.json(), element);
    if (!option) return;
    const locale = document.documentElement.lang.startsWith("zh") ? "ZH" : "EN";
    const chart = window.echarts.init(element, null, { locale });
    chart.setOption({ animation: false, ...option, tooltip: { trigger: "axis", renderMode: "richText", ...(option.tooltip || {}) } });
    chart.on("click", (params) => drillTo(params.data && params.data.key !== undefined ? params.data.key : params.name));
    window.addEventListener("resize", () => chart.resize());
    element.dataset.chartReady = "1";
  };

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-chart]").forEach((element) => { draw(element); });
  });
})();
