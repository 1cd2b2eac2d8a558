/* The reporting dashboard's charts (ECharts, vendored) and the background report's progress.
   Every chart draws the numbers of the table beside it (json_script "report-charts"). */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-charts").textContent);
  var charts = [];

  function bar(names, series, opts) {
    opts = opts || {};
    return {
      tooltip: {trigger: "axis"}, legend: series.length > 1 ? {top: 0} : undefined,
      grid: {left: 8, right: 16, bottom: 8, top: series.length > 1 ? 32 : 12, containLabel: true},
      xAxis: opts.horizontal ? {type: "value"} : {type: "category", data: names, axisLabel: {interval: 0, rotate: names.length > 6 ? 30 : 0}},
      yAxis: opts.horizontal ? {type: "category", data: names, inverse: true} : {type: "value"},
      series: series.map(function (s) { return Object.assign({type: "bar"}, s); })
    };
  }

  function funnel(steps) {
    return {
      tooltip: {trigger: "item"},
      series: [{type: "funnel", sort: "none", left: "10%", width: "80%", label: {formatter: "{b}: {c}"},
                data: steps.map(function (s) { return {name: s[0], value: s[1]}; })}]
    };
  }

  var build = {
    innovation: function (d) { return bar(d.map(function (r) { return r[0]; }), [{data: d.map(function (r) { return r[1]; })}]); },
    industrial: function (d) {
      var names = [], demand = [], supply = [];
      d.forEach(function (chain) { chain.nodes.forEach(function (n) { names.push(chain.chain + " · " + n[0]); demand.push(n[1]); supply.push(n[2]); }); });
      var labels = document.querySelectorAll("[data-testid=table-industrial] thead th");
      return bar(names, [{name: labels[2] ? labels[2].textContent : "", data: demand}, {name: labels[3] ? labels[3].textContent : "", data: supply}], {horizontal: true});
    },
    capital: function (d) { return bar(d.map(function (r) { return r[0]; }), [{data: d.map(function (r) { return r[1]; })}], {horizontal: true}); },
    talent: function (d) { return bar(d.map(function (r) { return r[0]; }), [{data: d.map(function (r) { return r[1]; })}], {horizontal: true}); },
    challenge_funnel: funnel,
    achievement_funnel: funnel,
    trl: function (d) {
      var labels = document.querySelectorAll("[data-testid=table-trl] thead th");
      return bar(d.bands, [{name: labels[1].textContent, data: d.achievements}, {name: labels[2].textContent, data: d.projects}]);
    },
    conversion: function (d) {
      var option = bar(d.names, [{data: d.rates, markLine: {symbol: "none", data: d.references.map(function (r) {
        return {yAxis: r[1], name: r[0], label: {formatter: r[0] + " " + r[1] + "%"}}; })}}]);
      option.yAxis.max = function (v) { return Math.max(55, Math.ceil(v.max)); };
      option.yAxis.axisLabel = {formatter: "{value}%"};
      return option;
    },
    trend: function (d) {
      return {
        tooltip: {trigger: "axis"}, legend: {type: "scroll"},
        grid: {left: 8, right: 16, bottom: 8, top: 36, containLabel: true},
        xAxis: {type: "category", data: d.periods}, yAxis: [{type: "value"}, {type: "value", splitLine: {show: false}}],
        series: d.series.map(function (s) { return {type: "line", name: s.label, data: s.values, yAxisIndex: s.money ? 1 : 0}; })
      };
    },
    provinces: function (d) {
      var max = Math.max.apply(null, [1].concat(d.rows.map(function (r) { return r[1]; })));
      return {
        tooltip: {trigger: "item"},
        visualMap: {min: 0, max: max, left: 8, bottom: 8, text: [d.metrics[0], ""], calculable: true},
        series: [{type: "map", map: "china", roam: true, name: d.metrics[0],
                  data: d.rows.map(function (r) { return {name: r[0], value: r[1]}; })}]
      };
    }
  };

  document.querySelectorAll(".echart[data-chart]").forEach(function (el) {
    var key = el.getAttribute("data-chart");
    if (!build[key] || data[key] === undefined) { return; }
    el.style.height = (parseInt(el.dataset.height, 10) || 300) + "px";  // CSSOM: allowed by the CSP, an inline style attribute is not
    var chart = echarts.init(el);
    chart.setOption(build[key](data[key]));
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });

  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }

  var button = document.getElementById("request-report");
  var box = document.getElementById("report-progress");
  if (button) {
    button.addEventListener("click", function () {
      button.disabled = true;
      box.classList.remove("d-none");
      box.textContent = "…";
      fetch(button.getAttribute("data-url"), {method: "POST", headers: {"X-CSRFToken": cookie("csrftoken")}, credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (started) {
          if (!started.status_url) { box.textContent = JSON.stringify(started.errors); button.disabled = false; return; }
          var poll = function () {
            fetch(started.status_url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (s) {
              box.textContent = s.title + " · " + s.progress + "%";
              if (s.download_url) {
                var link = document.createElement("a");
                link.href = s.download_url; link.textContent = " ⬇"; link.setAttribute("data-testid", "report-ready");
                box.appendChild(link); button.disabled = false;
              } else if (s.status === "failed") { box.textContent += " ✗ " + s.error; button.disabled = false; }
              else { setTimeout(poll, 1000); }
            });
          };
          poll();
        });
    });
  }
})();
