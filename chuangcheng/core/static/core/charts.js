// Draws ECharts charts declared in the page: <div class="chart" data-chart="bar" data-source="ID">,
// where ID is a json_script element holding {title, labels, values}. No inline script (CSP).
(function () {
  "use strict";
  function draw(element) {
    var source = document.getElementById(element.dataset.source);
    if (!source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption({
      title: { text: data.title, left: "center", textStyle: { fontSize: 14, fontWeight: 600 } },
      grid: { left: 36, right: data.target == null ? 12 : 48, top: 40, bottom: 28 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.labels, axisTick: { alignWithLabel: true } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{
        type: element.dataset.chart || "bar",
        data: data.values,
        itemStyle: { color: "#b3261e" },
        markLine: data.target == null ? undefined : {
          symbol: "none", lineStyle: { color: "#1a7f37", type: "dashed" },
          label: { formatter: "{c}" + (data.unit || "") }, data: [{ yAxis: data.target }]
        }
      }],
      animation: false
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".chart[data-source]").forEach(draw);
  });
})();
