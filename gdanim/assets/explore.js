(function () {
  "use strict";
  const SUP = {"-": "⁻", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹"};
  const minus = (text) => text.replace("-", "−");
  const plain = (v) => minus(String(v));

  // wording.sci: `digits` significant figures, plain from 0.001 to 9999, else a×10ⁿ
  function sci(value, digits) {
    if (value === 0 || !isFinite(value)) return plain(value);
    const rounded = Number(value.toExponential(digits - 1));
    const size = Math.abs(rounded);
    if (size >= 1e-3 && size < 1e4) {
      const decimals = Math.max(digits - 1 - Math.floor(Math.log10(size)), 0);
      const text = rounded.toFixed(decimals);
      return decimals ? plain(Number(text)) : minus(text);
    }
    const [mantissa, exponent] = rounded.toExponential(digits - 1).split("e");
    return plain(Number(mantissa)) + "×10" + String(parseInt(exponent, 10)).split("").map((c) => SUP[c]).join("");
  }

  async function unpack(element) {
    const bytes = Uint8Array.from(atob(element.textContent.trim()), (c) => c.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return JSON.parse(await new Response(stream).text());
  }

  function start(D) {
    const T = D.theme, S = D.surface, L = D.landscape;

    const state = {rate: D.default_rate, step: 0, visible: {}, timer: null};
    D.optimizers.forEach((o) => { state.visible[o.name] = true; });
    const axisStyle = {color: T.text, gridcolor: T.axis, zerolinecolor: T.axis, linecolor: T.axis};
    const [xName, yName] = L.axes;
    const [[x0, x1], [y0, y1]] = L.domain;
    const config = {responsive: true, displaylogo: false,
                    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d", "toImage", "sendDataToCloud"]};

    function pathTraces(threeD) {
      const traces = [];
      D.optimizers.forEach((o) => {
        const line = {color: o.color, width: threeD ? 6 : 2};
        const ball = {color: o.color, size: threeD ? 6 : 12, line: {color: T.text, width: threeD ? 1 : 1.5}};
        if (threeD) {
          traces.push({type: "scatter3d", mode: "lines", name: o.title, line: line, x: [], y: [], z: [],
                       hoverinfo: "skip", meta: {optimizer: o.name, role: "path"}});
          traces.push({type: "scatter3d", mode: "markers", name: o.title, marker: ball, x: [], y: [], z: [],
                       hoverinfo: "skip", meta: {optimizer: o.name, role: "ball"}});
        } else {
          traces.push({type: "scatter", mode: "lines+markers", name: o.title, line: line,
                       marker: {color: o.color, size: 4}, x: [], y: [], hoverinfo: "skip",
                       meta: {optimizer: o.name, role: "path"}});
          traces.push({type: "scatter", mode: "markers", name: o.title, marker: ball, x: [], y: [],
                       hovertemplate: o.title + " (%{x}, %{y})<extra></extra>", meta: {optimizer: o.name, role: "ball"}});
        }
      });
      return traces;
    }

    const lossAxis = {title: {text: "loss"}, tickvals: S.ticks.h3, ticktext: S.ticks.text3, range: [0, 1 + 0.05]};
    const surfaceFigure = {
      data: [
        {type: "surface", x: S.x, y: S.y, z: S.h, colorscale: T.colorscale, showscale: false,
         opacity: T.surface_opacity, hovertemplate: xName + " %{x}, " + yName + " %{y}<extra></extra>",
         contours: {z: {show: true, start: 0, end: 1, size: 1 / D.levels, color: T.muted, width: 1}},
         meta: {role: "surface"}},
        {type: "scatter3d", mode: "markers", name: "minimum", x: S.minima.x, y: S.minima.y, z: S.minima.h,
         marker: {symbol: "diamond", size: 4, color: T.text}, hoverinfo: "skip", meta: {role: "minima"}},
      ].concat(pathTraces(true)),
      layout: {
        paper_bgcolor: T.background, font: {color: T.text}, margin: {l: 12, r: 0, t: 0, b: 0}, showlegend: false,
        scene: {xaxis: Object.assign({title: {text: xName}, range: [x0, x1]}, axisStyle),
                yaxis: Object.assign({title: {text: yName}, range: [y0, y1]}, axisStyle),
                zaxis: Object.assign({}, lossAxis, axisStyle),
                aspectmode: "manual", aspectratio: {x: 1, y: (y1 - y0) / (x1 - x0), z: 0.55},
                camera: {eye: {x: -0.9, y: -1.2, z: 1.5}}, bgcolor: T.background},
      },
    };
    const contourFigure = {
      data: [
        {type: "contour", x: S.x, y: S.y, z: S.c === "h" ? S.h : S.c, colorscale: T.colorscale, zmin: 0, zmax: 1,
         contours: {start: 0, end: 1, size: 1 / D.levels, coloring: "fill"}, line: {color: T.muted, width: 0.6},
         colorbar: {title: {text: "loss"}, tickvals: S.ticks.c, ticktext: S.ticks.text, outlinewidth: 0},
         hovertemplate: xName + " %{x}, " + yName + " %{y}<extra></extra>", meta: {role: "contour"}},
        {type: "scatter", mode: "markers", name: "minimum", x: S.minima.x, y: S.minima.y,
         marker: {symbol: "x-thin", size: 10, line: {color: T.text, width: 2}}, hoverinfo: "skip", meta: {role: "minima"}},
        {type: "scatter", mode: "markers", name: "start", x: [D.start[0]], y: [D.start[1]],
         marker: {symbol: "circle-open", size: 14, line: {color: T.text, width: 2}}, hoverinfo: "skip", meta: {role: "start"}},
      ].concat(pathTraces(false)),
      layout: {
        paper_bgcolor: T.background, plot_bgcolor: T.background, font: {color: T.text}, showlegend: false,
        margin: {l: 56, r: 10, t: 34, b: 46},
        xaxis: Object.assign({title: {text: xName}, range: [x0, x1], constrain: "domain"}, axisStyle),
        yaxis: Object.assign({title: {text: yName}, range: [y0, y1], scaleanchor: "x", constrain: "domain"}, axisStyle),
      },
    };

    const surfaceDiv = document.getElementById("surface"), contourDiv = document.getElementById("contour");
    const rateInput = document.getElementById("rate"), stepInput = document.getElementById("step");
    const playButton = document.getElementById("play");

    function traceIndex(div, name, role) {
      return div.data.findIndex((t) => t.meta && t.meta.optimizer === name && t.meta.role === role);
    }

    // the run's last drawn step at global step k, and that step's index in the 3D trail
    function at(run, k) {
      const e = Math.min(k, run.x.length - 1);
      return {e: e, n: run.knots ? run.knots[e] : e};
    }

    function draw() {
      const k = state.step;
      const s = {x: [], y: [], z: [], idx: []}, c = {x: [], y: [], idx: []};
      D.optimizers.forEach((o) => {
        const run = o.runs[state.rate], p = at(run, k);
        // a run that left the plot goes on to the plot's edge, where the ball stops (as in the videos)
        const edge = run.exit && k >= run.event ? run.exit : null;
        const upTo = (values, n, i) => {
          const shown = values.slice(0, n + 1);
          if (edge) shown.push(edge[i]);
          return [shown, [shown[shown.length - 1]]];
        };
        s.x.push(...upTo(run.x3 || run.x, p.n, 0));
        s.y.push(...upTo(run.y3 || run.y, p.n, 1));
        s.z.push(...upTo(run.z3, p.n, 2));
        s.idx.push(traceIndex(surfaceDiv, o.name, "path"), traceIndex(surfaceDiv, o.name, "ball"));
        c.x.push(...upTo(run.x, p.e, 0));
        c.y.push(...upTo(run.y, p.e, 1));
        c.idx.push(traceIndex(contourDiv, o.name, "path"), traceIndex(contourDiv, o.name, "ball"));
        hud(o, run, p.e, k);
      });
      Plotly.restyle(surfaceDiv, {x: s.x, y: s.y, z: s.z}, s.idx);
      Plotly.restyle(contourDiv, {x: c.x, y: c.y}, c.idx);
      const rate = "α = " + D.rate_labels[state.rate], step = "step " + k + " of " + D.steps;
      document.getElementById("rate-label").textContent = rate;
      document.getElementById("step-label").textContent = step;
      rateInput.setAttribute("aria-valuetext", rate);
      stepInput.setAttribute("aria-valuetext", step);
    }

    function hud(o, run, e, k) {
      const row = document.querySelector('tr[data-optimizer="' + o.name + '"]');
      const done = k >= run.event;
      row.querySelector(".step").textContent = String(e);
      row.querySelector(".position").textContent = "(" + sci(run.x[e], 4) + ", " + sci(run.y[e], 4) + ")";
      row.querySelector(".loss").textContent = sci(run.loss[e], 2);
      row.querySelector(".grad").textContent = sci(run.grad[e], 2);
      const status = row.querySelector(".status");
      status.textContent = done ? run.status : "running";
      status.style.color = T.status[done ? run.kind : "running"] || T.text;
    }

    function setVisible(name, on) {
      state.visible[name] = on;
      const indices = (div) => [traceIndex(div, name, "path"), traceIndex(div, name, "ball")];
      Plotly.restyle(surfaceDiv, {visible: on}, indices(surfaceDiv));
      Plotly.restyle(contourDiv, {visible: on}, indices(contourDiv));
      document.querySelector('tr[data-optimizer="' + name + '"]').classList.toggle("hidden", !on);
      document.querySelector('input[data-optimizer="' + name + '"]').checked = on;
    }

    // the last step at which any shown run still changes: play stops there
    function lastEvent() {
      let last = 0;
      D.optimizers.forEach((o) => {
        if (state.visible[o.name]) last = Math.max(last, Math.min(o.runs[state.rate].event, D.steps));
      });
      return last;
    }

    function pause() {
      clearInterval(state.timer);
      state.timer = null;
      playButton.textContent = "▶ play";
    }

    function play() {
      if (state.timer) return;
      const end = lastEvent();
      if (state.step >= end) setStep(0);
      const stride = Math.max(1, Math.round(end / 150));
      playButton.textContent = "❚❚ pause";
      state.timer = setInterval(() => {
        if (state.step >= end) return pause();
        setStep(Math.min(state.step + stride, end));
      }, 50);
    }

    function setRate(i) {
      state.rate = Math.max(0, Math.min(D.lrs.length - 1, i | 0));
      rateInput.value = state.rate;
      draw();
    }

    function setStep(k) {
      state.step = Math.max(0, Math.min(D.steps, k | 0));
      stepInput.value = state.step;
      draw();
    }

    rateInput.addEventListener("input", () => setRate(Number(rateInput.value)));
    stepInput.addEventListener("input", () => { pause(); setStep(Number(stepInput.value)); });
    playButton.addEventListener("click", () => (state.timer ? pause() : play()));
    document.querySelectorAll("input[data-optimizer]").forEach((box) => {
      box.addEventListener("change", () => setVisible(box.dataset.optimizer, box.checked));
    });

    Object.assign(window.explorer, {data: D, state: state, setRate: setRate, setStep: setStep,
                                    setVisible: setVisible, play: play, pause: pause});
    return Promise.all([Plotly.newPlot(surfaceDiv, surfaceFigure.data, surfaceFigure.layout, config),
                        Plotly.newPlot(contourDiv, contourFigure.data, contourFigure.layout, config)])
      .then(() => setRate(state.rate));
  }

  // the page's API (tests and the curious): setRate(i), setStep(k), setVisible(name, on), play(), pause()
  window.explorer = {sci: sci};
  window.explorer.ready = unpack(document.getElementById("explorer-data")).then(start);
})();
