// Receivables ageing (DOMAIN §10.7): one stacked bar per group, a segment per bucket of days past due. A segment
// leads to the customers owing in that bucket (the table cell with data-drill-key "row key|bucket").
window.crmCharts = window.crmCharts || {};
window.crmCharts.ageing = (data, element) => {
  const rows = data.rows.filter((row) => Number(row.total) > 0);
  if (!rows.length) return null;
  return {
    color: ["#5470c6", "#91cc75", "#fac858", "#fc8452", "#ee6666"], // not yet due … over 90 days: cool to alarming
    legend: {},
    grid: { left: 80, right: 30, bottom: 80 },
    xAxis: { type: "category", data: rows.map((row) => row.label), axisLabel: { rotate: rows.length > 8 ? 40 : 0, interval: 0 } },
    yAxis: { type: "value", name: element.dataset.amountLabel || "" },
    series: data.buckets.map((bucket, index) => ({
      type: "bar",
      stack: "ageing",
      name: element.dataset[`bucket-${index + 1}`] || bucket,
      data: rows.map((row) => ({ value: Number(row[bucket]), key: `${row.key}|${bucket}` })),
    })),
  };
};
