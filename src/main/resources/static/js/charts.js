// Charts drawn as SVG, without a library: per-epoch line charts and the confusion-matrix heat map.
import { h, num } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';

function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined) {
      el.setAttribute(name, String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) {
      continue;
    }
    el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Round tick values between min and max, about `count` of them. */
function ticks(min, max, count) {
  const span = max - min || 1;
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((m) => m >= raw) || raw;
  const out = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) {
    out.push(Number(v.toFixed(10)));
  }
  return out;
}

const MARKERS = ['circle', 'square', 'diamond'];
const DASHES = [null, '6 4', '2 3'];

function marker(kind, x, y, cls) {
  if (kind === 'square') {
    return s('rect', { x: x - 3.5, y: y - 3.5, width: 7, height: 7, class: cls });
  }
  if (kind === 'diamond') {
    return s('path', { d: `M${x} ${y - 4.5}L${x + 4.5} ${y}L${x} ${y + 4.5}L${x - 4.5} ${y}Z`, class: cls });
  }
  return s('circle', { cx: x, cy: y, r: 3.5, class: cls });
}

/**
 * A line chart of per-epoch values.
 * @param {object} o
 * @param {string} o.title accessible name of the chart
 * @param {{name: string, values: [number, number][]}[]} o.series points as [epoch, value]
 * @param {number} [o.xMax] last epoch on the axis (e.g. the job's total), so the axis stays put while it runs
 * @param {number} [o.yMin] default: 0
 * @param {number} [o.yMax] default: the largest value plus 10 %
 * @param {(v: number) => string} [o.format] how values read in tooltips and the table
 * @param {string} o.yLabel
 * @param {string} [o.id]
 */
export function lineChart(o) {
  // Narrow screens get a narrower drawing, so that its text stays legible when scaled to fit.
  const W = Math.round(Math.min(560, Math.max(320, (window.innerWidth || 560) - 60)));
  const H = 240;
  const m = { left: 52, right: 14, top: 14, bottom: 40 };
  const format = o.format || ((v) => num(v, 3));
  const all = o.series.flatMap((ser) => ser.values);
  const lastEpoch = all.reduce((max, [x]) => Math.max(max, x), 0);
  const xMax = Math.max(o.xMax || 0, lastEpoch, 2);
  const xMin = 1;
  const yMin = o.yMin ?? 0;
  const dataMax = all.reduce((max, [, y]) => Math.max(max, y), -Infinity);
  let yMax = o.yMax ?? (Number.isFinite(dataMax) ? dataMax * 1.1 : 1);
  if (!(yMax > yMin)) {
    yMax = yMin + 1;
  }
  const px = (x) => m.left + ((x - xMin) / (xMax - xMin)) * (W - m.left - m.right);
  const py = (y) => H - m.bottom - ((Math.min(Math.max(y, yMin), yMax) - yMin) / (yMax - yMin)) * (H - m.top - m.bottom);

  const svg = s('svg', {
    viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': o.title,
    'data-points': o.series[0] ? o.series[0].values.length : 0,
  });
  const grid = s('g', { class: 'grid' });
  const yTicks = ticks(yMin, yMax, 5);
  for (const t of yTicks) {
    grid.append(s('line', { x1: m.left, x2: W - m.right, y1: py(t), y2: py(t) }),
      s('text', { x: m.left - 6, y: py(t) + 4, 'text-anchor': 'end', class: 'tick' }, num(t, yMax - yMin <= 2 ? 2 : 1)));
  }
  const xStep = Math.max(1, Math.ceil((xMax - xMin + 1) / 10));
  for (let e = xMin; e <= xMax; e += xStep) {
    grid.append(s('line', { x1: px(e), x2: px(e), y1: H - m.bottom, y2: H - m.bottom + 4 }),
      s('text', { x: px(e), y: H - m.bottom + 16, 'text-anchor': 'middle', class: 'tick' }, e));
  }
  grid.append(
    s('line', { class: 'axis', x1: m.left, x2: W - m.right, y1: H - m.bottom, y2: H - m.bottom }),
    s('line', { class: 'axis', x1: m.left, x2: m.left, y1: m.top, y2: H - m.bottom }),
    s('text', { x: (m.left + W - m.right) / 2, y: H - 6, 'text-anchor': 'middle', class: 'axis-label' }, 'epoch'),
    s('text', { x: 12, y: (m.top + H - m.bottom) / 2, 'text-anchor': 'middle', class: 'axis-label',
      transform: `rotate(-90 12 ${(m.top + H - m.bottom) / 2})` }, o.yLabel));
  svg.append(grid);

  o.series.forEach((ser, i) => {
    const g = s('g', { class: `series series-${i}`, 'data-series': ser.name });
    const pts = ser.values.filter(([, y]) => Number.isFinite(y));
    if (pts.length > 1) {
      g.append(s('polyline', {
        points: pts.map(([x, y]) => `${px(x)},${py(y)}`).join(' '),
        fill: 'none', 'stroke-dasharray': DASHES[i % DASHES.length],
      }));
    }
    for (const [x, y] of pts) {
      const mk = marker(MARKERS[i % MARKERS.length], px(x), py(y), 'point');
      mk.append(s('title', null, `${ser.name}, epoch ${x}: ${format(y)}`));
      g.append(mk);
    }
    svg.append(g);
  });
  if (!all.length) {
    svg.append(s('text', { x: (m.left + W - m.right) / 2, y: (m.top + H - m.bottom) / 2, 'text-anchor': 'middle',
      class: 'empty' }, 'No finished epoch yet'));
  }

  const legend = h('ul', { class: 'legend' }, o.series.map((ser, i) => h('li', null,
    legendSwatch(i),
    h('span', null, ser.name, ser.values.length
      ? h('span', { class: 'legend-last' }, `: ${format(ser.values[ser.values.length - 1][1])}`) : null))));

  const epochs = [...new Set(all.map(([x]) => x))].sort((a, b) => a - b);
  const table = h('details', { class: 'chart-data' },
    h('summary', null, `${o.title}: values`),
    h('table', null,
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Epoch'),
        o.series.map((ser) => h('th', { scope: 'col' }, ser.name)))),
      h('tbody', null, epochs.map((e) => h('tr', null, h('th', { scope: 'row' }, e),
        o.series.map((ser) => {
          const p = ser.values.find(([x]) => x === e);
          return h('td', { class: 'num' }, p ? format(p[1]) : '–');
        }))))));

  return h('figure', { class: 'chart-figure', id: o.id },
    h('figcaption', null, o.title), svg, legend, table);
}

function legendSwatch(i) {
  const sw = s('svg', { viewBox: '0 0 28 10', width: 28, height: 10, class: `swatch series-${i}`, 'aria-hidden': 'true' },
    s('line', { x1: 1, x2: 27, y1: 5, y2: 5, 'stroke-dasharray': DASHES[i % DASHES.length] }),
    marker(MARKERS[i % MARKERS.length], 14, 5, 'point'));
  return sw;
}

/** The confusion matrix as a table whose cells are shaded by count, with the counts as text. */
export function confusionHeatMap(labels, matrix) {
  const max = Math.max(1, ...matrix.flat());
  return h('div', { class: 'heatmap-wrap' },
    h('p', { class: 'heatmap-title', id: 'confusion-title' }, 'Confusion matrix'),
    h('p', { class: 'hint', id: 'confusion-hint' }, 'Rows are the actual labels, columns the predicted ones; '
      + 'the darker a cell, the more examples it counts.'),
    h('table', { class: 'heatmap', id: 'confusion-matrix', 'aria-labelledby': 'confusion-title', 'aria-describedby': 'confusion-hint' },
      h('thead', null,
        h('tr', null, h('td', { class: 'corner' }, h('span', { class: 'visually-hidden' }, 'actual \\ predicted')),
          h('th', { scope: 'colgroup', colspan: labels.length, class: 'axis-head' }, 'predicted')),
        h('tr', null, h('th', { scope: 'col', class: 'axis-head' }, 'actual'),
          labels.map((l) => h('th', { scope: 'col' }, l)))),
      h('tbody', null, matrix.map((row, r) => h('tr', null,
        h('th', { scope: 'row' }, labels[r]),
        row.map((count, c) => {
          const share = count / max;
          return h('td', {
            class: `cell${r === c ? ' diagonal' : ''}${share > 0.55 ? ' dark' : ''}`,
            style: { '--share': share.toFixed(3) },
            title: `actual ${labels[r]}, predicted ${labels[c]}: ${count}`,
          }, count);
        }))))));
}

/**
 * One drift signal: the live and reference histograms as side-by-side bars of shares (each of its own total), with
 * the PSI and status in the caption and the counts in a table.
 * @param {{signal: string, psi: number|null, status: string, liveSample: number, referenceSample: number,
 *   live: {bins: string[], counts: number[]}, reference: {bins: string[], counts: number[]}|null}} d
 */
export function driftHistogram(d) {
  const W = Math.round(Math.min(560, Math.max(320, (window.innerWidth || 560) - 60)));
  const H = 220;
  const m = { left: 44, right: 10, top: 12, bottom: 52 };
  const bins = d.live.bins;
  const share = (counts) => {
    const total = counts.reduce((a, b) => a + b, 0);
    return counts.map((c) => (total ? c / total : 0));
  };
  const series = [{ name: `live (${d.liveSample})`, values: share(d.live.counts) }];
  if (d.reference) {
    series.push({ name: `reference (${d.referenceSample})`, values: share(d.reference.counts) });
  }
  const yMax = Math.max(0.05, ...series.flatMap((ser) => ser.values)) * 1.1;
  const slot = (W - m.left - m.right) / Math.max(1, bins.length);
  const bar = (slot * 0.8) / series.length;
  const py = (y) => H - m.bottom - (y / yMax) * (H - m.top - m.bottom);

  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart drift', role: 'img',
    'aria-label': `${d.signal}: live and reference shares per bin` });
  const grid = s('g', { class: 'grid' });
  for (const t of ticks(0, yMax, 4)) {
    grid.append(s('line', { x1: m.left, x2: W - m.right, y1: py(t), y2: py(t) }),
      s('text', { x: m.left - 6, y: py(t) + 4, 'text-anchor': 'end', class: 'tick' }, `${Math.round(t * 100)}%`));
  }
  bins.forEach((b, i) => {
    const x = m.left + slot * (i + 0.5);
    grid.append(s('text', { x, y: H - m.bottom + 14, 'text-anchor': 'end', class: 'tick',
      transform: `rotate(-35 ${x} ${H - m.bottom + 14})` }, b));
  });
  grid.append(s('line', { class: 'axis', x1: m.left, x2: W - m.right, y1: H - m.bottom, y2: H - m.bottom }));
  svg.append(grid);
  series.forEach((ser, k) => {
    const g = s('g', { class: `series series-${k}`, 'data-series': ser.name });
    ser.values.forEach((v, i) => {
      const x = m.left + slot * i + slot * 0.1 + bar * k;
      const r = s('rect', { x, y: py(v), width: Math.max(1, bar - 1), height: Math.max(0, H - m.bottom - py(v)),
        class: 'bar' });
      r.append(s('title', null, `${ser.name}, ${bins[i]}: ${(v * 100).toFixed(1)}%`));
      g.append(r);
    });
    svg.append(g);
  });

  const legend = h('ul', { class: 'legend' }, series.map((ser, i) => h('li', null, legendSwatch(i), h('span', null, ser.name))));
  const table = h('details', { class: 'chart-data' },
    h('summary', null, `${d.signal}: counts`),
    h('table', null,
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Bin'), h('th', { scope: 'col' }, 'Live'),
        h('th', { scope: 'col' }, 'Reference'))),
      h('tbody', null, bins.map((b, i) => h('tr', null, h('th', { scope: 'row' }, b),
        h('td', { class: 'num' }, d.live.counts[i]),
        h('td', { class: 'num' }, d.reference ? d.reference.counts[i] : '–'))))));
  return h('figure', { class: 'chart-figure', id: `drift-${d.signal}`, 'data-status': d.status },
    h('figcaption', null, d.signal, ' ', h('span', { class: `badge drift-${d.status}` }, d.status),
      d.psi !== null && d.psi !== undefined ? h('span', { class: 'psi' }, ` PSI ${num(d.psi, 3)}`) : null),
    svg, legend, table);
}

/**
 * The reliability diagram of a version's calibration: for each bin of the top probability, the share of right
 * answers against the mean confidence, before and after temperature scaling; the diagonal is perfect calibration.
 * A table under it gives every bin's count, mean confidence and accuracy.
 * @param {object} c the version's calibration (reliabilityBefore and reliabilityAfter, 15 bins each)
 */
export function reliabilityDiagram(c) {
  const W = 320;
  const H = 300;
  const m = { left: 48, right: 14, top: 14, bottom: 40 };
  const px = (x) => m.left + x * (W - m.left - m.right);
  const py = (y) => H - m.bottom - y * (H - m.top - m.bottom);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart reliability', role: 'img', id: 'reliability-diagram',
    'aria-label': 'Reliability diagram: accuracy against confidence per bin, before and after calibration' });
  const grid = s('g', { class: 'grid' });
  for (const t of [0, 0.2, 0.4, 0.6, 0.8, 1]) {
    grid.append(s('line', { x1: m.left, x2: W - m.right, y1: py(t), y2: py(t) }),
      s('text', { x: m.left - 6, y: py(t) + 4, 'text-anchor': 'end', class: 'tick' }, num(t, 1)),
      s('text', { x: px(t), y: H - m.bottom + 16, 'text-anchor': 'middle', class: 'tick' }, num(t, 1)));
  }
  grid.append(
    s('line', { class: 'axis', x1: m.left, x2: W - m.right, y1: H - m.bottom, y2: H - m.bottom }),
    s('line', { class: 'axis', x1: m.left, x2: m.left, y1: m.top, y2: H - m.bottom }),
    s('line', { class: 'axis diagonal', x1: px(0), y1: py(0), x2: px(1), y2: py(1), 'stroke-dasharray': '3 3' }),
    s('text', { x: (m.left + W - m.right) / 2, y: H - 6, 'text-anchor': 'middle', class: 'axis-label' }, 'confidence'),
    s('text', { x: 12, y: (m.top + H - m.bottom) / 2, 'text-anchor': 'middle', class: 'axis-label',
      transform: `rotate(-90 12 ${(m.top + H - m.bottom) / 2})` }, 'accuracy'));
  svg.append(grid);
  const series = [
    { name: `before (ECE ${num(c.eceBefore, 3)})`, bins: c.reliabilityBefore || [] },
    { name: `after, T = ${num(c.temperature, 2)} (ECE ${num(c.eceAfter, 3)})`, bins: c.reliabilityAfter || [] },
  ];
  series.forEach((ser, i) => {
    const g = s('g', { class: `series series-${i}`, 'data-series': i === 0 ? 'before' : 'after' });
    const pts = ser.bins.filter((b) => b.count > 0);
    if (pts.length > 1) {
      g.append(s('polyline', { points: pts.map((b) => `${px(b.meanConfidence)},${py(b.accuracy)}`).join(' '),
        fill: 'none', 'stroke-dasharray': DASHES[i % DASHES.length] }));
    }
    for (const b of pts) {
      const mk = marker(MARKERS[i % MARKERS.length], px(b.meanConfidence), py(b.accuracy), 'point');
      mk.append(s('title', null, `${i === 0 ? 'before' : 'after'}: ${b.count} texts, confidence `
        + `${num(b.meanConfidence, 3)}, accuracy ${num(b.accuracy, 3)}`));
      g.append(mk);
    }
    svg.append(g);
  });
  const legend = h('ul', { class: 'legend' }, series.map((ser, i) => h('li', null, legendSwatch(i), h('span', null, ser.name))));
  const range = (b) => `${num(b.lower, 2)}–${num(b.upper, 2)}`;
  const table = h('details', { class: 'chart-data' },
    h('summary', null, 'Reliability bins: values'),
    h('table', { id: 'reliability-table' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Confidence'),
        h('th', { scope: 'col' }, 'Texts before'), h('th', { scope: 'col' }, 'Confidence before'),
        h('th', { scope: 'col' }, 'Accuracy before'), h('th', { scope: 'col' }, 'Texts after'),
        h('th', { scope: 'col' }, 'Confidence after'), h('th', { scope: 'col' }, 'Accuracy after'))),
      h('tbody', null, (c.reliabilityBefore || []).map((b, k) => {
        const a = (c.reliabilityAfter || [])[k] || { count: 0 };
        return h('tr', null, h('th', { scope: 'row' }, range(b)),
          h('td', { class: 'num' }, b.count), h('td', { class: 'num' }, b.count ? num(b.meanConfidence, 3) : '–'),
          h('td', { class: 'num' }, b.count ? num(b.accuracy, 3) : '–'),
          h('td', { class: 'num' }, a.count), h('td', { class: 'num' }, a.count ? num(a.meanConfidence, 3) : '–'),
          h('td', { class: 'num' }, a.count ? num(a.accuracy, 3) : '–'));
      }))));
  return h('figure', { class: 'chart-figure', id: 'reliability' },
    h('figcaption', null, 'Reliability diagram (validation data)'), svg, legend, table);
}
