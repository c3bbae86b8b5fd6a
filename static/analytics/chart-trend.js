// Trend (DOMAIN §10.3): a line per series over the complete months, the running month as a point ("so far"),
// and the total's forecast with its 80% band (a stacked area: lower bound, then the band's height).
window.crmCharts = window.crmCharts || {};
window.crmCharts.trend = (data, element) => {
  if (!data.series.length || !data.months.length) return null;
  const ahead = data.forecast.months;
  const running = `${data.running.month} (${element.dataset.runningLabel || ""})`;
  const axis = [...data.months, running, ...ahead];
  const blank = (count) => Array(count).fill(null);
  const lines = data.series.map((series, index) => ({
    type: "line",
    name: series.label,
    lineStyle: { width: index === 0 ? 3 : 1.5 },
    data: [...series.values, null, ...blank(ahead.length)].map((value) => ({ value: value === null ? null : Number(value), key: series.key })),
  }));
  const soFar = {  // the running month is not comparable with whole months: points apart, not on the lines
    type: "scatter",
    name: running,
    symbol: "emptyCircle",
    symbolSize: 9,
    data: data.series.map((series, index) => ({ value: [data.months.length, Number(data.running.values[index])], key: series.key })),
  };
  const series = [...lines, soFar];
  if (ahead.length) {
    const last = Number(data.series[0].values[data.months.length - 1]);
    const before = blank(data.months.length + 1);
    const forecastName = element.dataset.forecastLabel || "";
    const bandName = element.dataset.bandLabel || "";
    series.push({
      type: "line", name: forecastName, lineStyle: { type: "dashed", width: 2 }, connectNulls: true,
      data: [...blank(data.months.length - 1), last, null, ...data.forecast.values.map(Number)],
    });
    series.push({
      type: "line", name: bandName, stack: "band", symbol: "none", lineStyle: { opacity: 0 },
      data: [...before, ...data.forecast.lower.map(Number)],
    });
    series.push({
      type: "line", name: bandName, stack: "band", symbol: "none", lineStyle: { opacity: 0 }, areaStyle: { opacity: 0.2 },
      data: [...before, ...data.forecast.upper.map((upper, at) => Number(upper) - Number(data.forecast.lower[at]))],
      tooltip: { show: false },
    });
  }
  return {
    legend: { type: "scroll" },
    grid: { left: 90, right: 30, bottom: 70 },
    xAxis: { type: "category", data: axis, axisLabel: { rotate: 40 } },
    yAxis: { type: "value" },
    series,
  };
};
