// Statistics (DOMAIN §10.2): purchases of the top customers (bars) and their cumulative share (line, right axis)
// with the 80% and 95% marks of the ABC classes. A bar leads to the customer's dossier (the table row's link).
window.crmCharts = window.crmCharts || {};
window.crmCharts.pareto = (data, element) => {
  if (!data.rows.length) return null;
  const amount = element.dataset.amountLabel || "";
  const cumulative = element.dataset.cumulativeLabel || "";
  return {
    legend: {},
    grid: { left: 80, right: 60, bottom: 80 },
    xAxis: { type: "category", data: data.rows.map((row) => row.code), axisLabel: { rotate: 40 } },
    yAxis: [{ type: "value", name: amount }, { type: "value", name: cumulative, min: 0, max: 100 }],
    series: [
      { type: "bar", name: amount, data: data.rows.map((row) => ({ value: Number(row.amount), key: row.code })) },
      {
        type: "line",
        name: cumulative,
        yAxisIndex: 1,
        data: data.rows.map((row) => ({ value: Number(row.cumulative_share), key: row.code })),
        markLine: { symbol: "none", silent: true, data: [{ yAxis: 80, name: "80%" }, { yAxis: 95, name: "95%" }], label: { formatter: "{b}" } },
      },
    ],
  };
};
