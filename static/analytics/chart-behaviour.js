// Behaviour (DOMAIN §10.6): one chart per topic from the API's rows. data-labels holds the table's column labels
// (translated, "|"-separated) in the table's order, so series names match the table's headers.
window.crmCharts = window.crmCharts || {};
(() => {
  const number = (value) => (value === null || value === undefined ? null : Number(value));
  const bars = (categories, series, stack) => ({
    legend: {},
    grid: { left: 70, right: 30, bottom: 70 },
    xAxis: { type: "category", data: categories, axisLabel: { interval: 0, rotate: categories.length > 8 ? 40 : 0 } },
    yAxis: { type: "value" },
    series: series.map(([name, data, type]) => ({ type: type || "bar", name, data, stack })),
  });
  const topics = {
    // columns: promotion, responses, positive, orders, sales, cost, sales ÷ cost
    promotions: (rows, labels) => bars(rows.map((r) => r.promotion), [
      [labels[4], rows.map((r) => number(r.sales))],
      [labels[5], rows.map((r) => number(r.cost))],
    ]),
    // columns: sales from, amount, share
    products: (rows, labels) => bars(rows.map((r) => r.label), [[labels[2], rows.map((r) => number(r.share))]]),
    // columns: month, complaint, quality feedback, suggestion, orders, …
    feedback: (rows, labels) => bars(rows.map((r) => r.month), [
      [labels[1], rows.map((r) => r.complaint)],
      [labels[2], rows.map((r) => r.quality_feedback)],
      [labels[3], rows.map((r) => r.suggestion)],
    ], "feedback"),
    // columns: cohort, customers, quarter +1 … +7: one line per cohort
    retention: (rows, labels) => ({
      legend: { type: "scroll" },
      grid: { left: 60, right: 30, bottom: 60 },
      xAxis: { type: "category", data: labels.slice(2) },
      yAxis: { type: "value", max: 100 },
      series: rows.filter((r) => r.customers).map((r) => ({
        type: "line", name: r.cohort, data: [1, 2, 3, 4, 5, 6, 7].map((n) => number(r[`q${n}`])),
      })),
    }),
    // columns: month or owner, items, answered, median days: the months as a line
    response: (rows, labels) => {
      const months = rows.filter((r) => r.group === "month");
      return bars(months.map((r) => r.label), [
        [labels[1], months.map((r) => r.items)],
        [labels[3], months.map((r) => number(r.median_days)), "line"],
      ]);
    },
  };
  window.crmCharts.behaviour = (data, element) => {
    const build = topics[data.topic];
    if (!build || !data.rows.length) return null;
    return build(data.rows, (element.dataset.labels || "").split("|"));
  };
})();
