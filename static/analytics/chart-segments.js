// Segmentation (DOMAIN §10.5): customers per RFM segment (bars), and the k-means clusters as bubbles placed by
// their centroid's recency and purchases, sized by their number of customers.
window.crmCharts = window.crmCharts || {};
window.crmCharts.segments = (data, element) => {
  if (!data.segments.length) return null;
  return {
    grid: { left: 60, right: 20, bottom: 60 },
    xAxis: { type: "category", data: data.segments.map((row) => row.label), axisLabel: { interval: 0 } },
    yAxis: { type: "value", name: element.dataset.customersLabel || "" },
    series: [{ type: "bar", name: element.dataset.customersLabel || "", data: data.segments.map((row) => ({ value: row.customers, key: row.key })) }],
  };
};
window.crmCharts.clusters = (data, element) => {
  if (!data.length) return null;
  const largest = Math.max(...data.map((cluster) => cluster.size), 1);
  return {
    tooltip: { trigger: "item", formatter: (params) => `${params.data.label}\n${params.data.size}` },
    grid: { left: 90, right: 30, bottom: 50 },
    xAxis: { type: "value", name: element.dataset.xLabel || "", nameLocation: "middle", nameGap: 30 },
    yAxis: { type: "value", name: element.dataset.yLabel || "" },
    series: [{
      type: "scatter",
      symbolSize: (value, params) => 12 + 48 * Math.sqrt(params.data.size / largest),
      data: data.map((cluster) => ({
        value: [cluster.centroid.recency_days, Number(cluster.centroid.monetary)],
        key: cluster.id,
        label: cluster.label,
        size: cluster.size,
      })),
    }],
  };
};
