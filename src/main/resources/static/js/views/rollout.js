// Rollout: the canary's split, state and guards, and the shadow's agreement, refreshed every 2 s while shown.
import { api } from '../api.js';
import { h, replace, num, pct, dateTime, facts, problemBox } from '../dom.js';

const REFRESH_MS = 2000;

function figuresRow(name, f) {
  return h('tr', null,
    h('th', { scope: 'row' }, name),
    h('td', { class: 'num' }, f ? String(f.requests) : '–'),
    h('td', { class: 'num' }, f ? pct(f.errorRate) : '–'),
    h('td', { class: 'num' }, f && f.p99Millis != null ? `${num(f.p99Millis, 1)} ms` : '–'),
    h('td', { class: 'num' }, f ? pct(f.abstentionRate) : '–'),
    h('td', { class: 'num' }, f ? pct(f.correctionRate) : '–'));
}

function canaryCard(status) {
  if (!status) {
    return h('p', { class: 'hint' }, 'No canary. PUT /api/v1/models/canary starts one.');
  }
  const c = status.canary;
  const g = c.guards;
  const limit = (v, f) => (v == null ? 'off' : f(v));
  return h('div', { id: 'canary-panel' },
    facts([
      ['Canary', h('span', { class: 'mono' }, c.modelId)],
      ['Split', h('span', { id: 'canary-split' }, `${c.percent}% canary · ${100 - c.percent}% active`)],
      ['State', h('span', { class: `badge ${c.state === 'RUNNING' ? 'state-active' : c.state === 'ROLLED_BACK' ? 'state-failed' : ''}`,
        id: 'canary-state' }, c.state.toLowerCase().replace('_', ' '))],
      c.reason ? ['Why', c.reason] : null,
      ['Since', dateTime(c.since)],
      ['Guards', `error rate +${limit(g.maxErrorRateIncrease, pct)}, p99 ×${limit(g.maxP99LatencyRatio, (v) => num(v, 2))}, `
        + `abstention +${limit(g.maxAbstentionRateIncrease, pct)}, corrections +${limit(g.maxCorrectionRateIncrease, pct)}; `
        + `judged after ${g.minSample} canary requests in ${g.windowSeconds} s`],
    ]),
    h('div', { class: 'table-wrap' }, h('table', { class: 'data', id: 'canary-figures' },
      h('caption', null, 'Over the guard window, on this replica'),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Version'), h('th', { scope: 'col', class: 'num' }, 'Requests'),
        h('th', { scope: 'col', class: 'num' }, 'Errors'), h('th', { scope: 'col', class: 'num' }, 'p99'),
        h('th', { scope: 'col', class: 'num' }, 'Abstentions'), h('th', { scope: 'col', class: 'num' }, 'Corrections'))),
      h('tbody', null, figuresRow('canary', status.canaryFigures), figuresRow('active', status.activeFigures)))));
}

// a training job's version under sentiment.rollout.promotion-gate: what activates or dismisses it
function gateText(gate) {
  return gate.rule === 'feedback-win'
    ? `training job ${gate.trainingJobId}: activated when corrections favour it (at least ${gate.minCorrections})`
    : `training job ${gate.trainingJobId}: activated when agreement reaches ${pct(gate.minAgreement)} `
      + `(95% interval, at least ${gate.minCompared} texts), dismissed when it cannot`;
}

function shadowCard(report, gate) {
  if (!report) {
    return h('p', { class: 'hint' }, 'No shadow. PUT /api/v1/models/shadow sets one.');
  }
  return facts([
    ...(gate ? [['Gate', h('span', { id: 'shadow-gate' }, gateText(gate))]] : []),
    ['Shadow', h('span', { class: 'mono' }, report.modelId)],
    ['Sample rate', pct(report.sampleRate)],
    ['Compared', `${report.compared} texts in ${report.requests} requests (${report.dropped} dropped)`],
    ['Agreement', report.agreement == null ? '–'
      : `${pct(report.agreement)} (95% ${pct(report.agreementLow)}–${pct(report.agreementHigh)})`],
    ['p99 active / shadow', `${num(report.activeLatency.p99, 1)} / ${num(report.shadowLatency.p99, 1)} ms`],
  ], { id: 'shadow-panel' });
}

/** The panel and a function that stops its refreshing. */
export function rolloutPanel() {
  const body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'hint' }, 'Loading…'));
  const panel = h('section', { class: 'card', id: 'rollout', 'aria-labelledby': 'rollout-title' },
    h('h2', { id: 'rollout-title' }, 'Rollout'), body);
  let stopped = false;
  let timer = null;
  async function refresh() {
    try {
      // one read that is never 404 (a 404 would be a console error in the browser)
      const { canary, shadow: report, shadowGate } = await api.rollout();
      replace(body, h('h3', null, 'Canary'), canaryCard(canary), h('h3', null, 'Shadow'), shadowCard(report, shadowGate));
    } catch (e) {
      replace(body, problemBox(e));
    }
    if (!stopped) {
      timer = setTimeout(refresh, REFRESH_MS);
    }
  }
  refresh();
  return { panel, stop: () => { stopped = true; clearTimeout(timer); } };
}
