// Composition (DOMAIN §10.1): purchases (bars) and customers (line) per group.
window.crmCharts = window.crmCharts || {};
window.crmCharts.composition = (data, element) => {
  if (!data.rows.length) return null;
  const labels = data.rows.map((row) => row.label);
  return {
    legend: {},
    grid: { left: 80, right: 60, bottom: 80 },
    xAxis: { type: "category", data: labels, axisLabel: { rotate: labels.length > 8 ? 40 : 0, interval: 0 } },
    yAxis: [{ type: "value", name: element.dataset.amountLabel || "" }, { type: "value", name: element.dataset.customersLabel || "" }],
    series: [
      { type: "bar", name: element.dataset.amountLabel || "", data: data.rows.map((row) => ({ value: Number(row.amount), key: row.key })) },
      { type: "line", name: element.dataset.customersLabel || "", yAxisIndex: 1, data: data.rows.map((row) => ({ value: row.customers, key: row.key })) },
    ],
  };
};
