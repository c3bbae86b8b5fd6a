// Correlation (DOMAIN §10.4): a heatmap from −1 to 1, Pearson below the diagonal and Spearman above it; an empty
// cell is a pair with fewer than 10 customers having both values.
window.crmCharts = window.crmCharts || {};
window.crmCharts.correlation = (data, element) => {
  if (!data.variables.length) return null;
  const labels = data.variables.map((variable) => variable.label);
  const cells = [];
  data.variables.forEach((_row, i) => {
    data.variables.forEach((_column, j) => {
      const value = i > j ? data.pearson[i][j] : i < j ? data.spearman[i][j] : null;
      if (i !== j && value !== null) {
        cells.push({ value: [j, i, value], key: `${data.variables[Math.min(i, j)].key}/${data.variables[Math.max(i, j)].key}` });
      }
    });
  });
  const pearson = element.dataset.pearsonLabel || "Pearson";
  const spearman = element.dataset.spearmanLabel || "Spearman";
  const nLabel = element.dataset.nLabel || "n";
  return {
    tooltip: {
      trigger: "item",
      formatter: (params) => {
        const [j, i, value] = params.data.value;
        return `${labels[i]} × ${labels[j]}\n${i > j ? pearson : spearman}: ${value}\n${nLabel}: ${data.n[i][j]}`;
      },
    },
    grid: { left: 190, right: 30, top: 20, bottom: 170 },
    xAxis: { type: "category", data: labels, axisLabel: { rotate: 45, interval: 0 } },
    yAxis: { type: "category", data: labels, inverse: true, axisLabel: { interval: 0 } },  // read like the table: first at the top
    visualMap: {
      min: -1, max: 1, calculable: true, orient: "horizontal", left: "center", bottom: 0,
      inRange: { color: ["#2166ac", "#f7f7f7", "#b2182b"] },
    },
    series: [{ type: "heatmap", data: cells, label: { show: true, formatter: (params) => Number(params.data.value[2]).toFixed(2) } }],
  };
};
