// Models: the stored versions (activate, delete) and one version's evaluation with its confusion matrix.
import { api } from '../api.js';
import { h, replace, num, pct, dateTime, duration, problemBox, facts, stackable } from '../dom.js';
import { confusionHeatMap, driftHistogram, reliabilityDiagram } from '../charts.js';
import { renderCharts, hyperParameterList } from './jobs.js';
import { rolloutPanel } from './rollout.js';

async function activate(ctx, model, status) {
  const label = model.name ? `${model.name} (${model.id})` : model.id;
  if (!(await ctx.confirm(`Activate ${label}? Classify requests that name no model will use it from now on.`,
    { title: 'Activate this model?', ok: 'Activate' }))) {
    return false;
  }
  try {
    await api.activate(model.id);
    ctx.refreshStatus();
    replace(status, h('p', { class: 'success', role: 'status' }, `${label} is now the active model.`));
    return true;
  } catch (e) {
    replace(status, problemBox(e));
    return false;
  }
}

async function remove(ctx, model, status) {
  const label = model.name ? `${model.name} (${model.id})` : model.id;
  if (!(await ctx.confirm(`Delete ${label}? Its files are removed from the service; this cannot be undone.`,
    { title: 'Delete this model?', ok: 'Delete' }))) {
    return false;
  }
  try {
    await api.deleteModel(model.id);
    ctx.refreshStatus();
    replace(status, h('p', { class: 'success', role: 'status' }, `${label} is deleted.`));
    return true;
  } catch (e) {
    replace(status, problemBox(e));
    return false;
  }
}

function modelActions(ctx, model, status, after) {
  return h('div', { class: 'row-actions' },
    model.active ? null : h('button', {
      type: 'button', class: 'small', disabled: !model.usable,
      'aria-label': `Activate ${model.name || model.id}`, dataset: { action: 'activate', modelId: model.id },
      onclick: async () => { if (await activate(ctx, model, status)) { after(); } },
    }, 'Activate'),
    model.active ? null : h('button', {
      type: 'button', class: 'small danger',
      'aria-label': `Delete ${model.name || model.id}`, dataset: { action: 'delete', modelId: model.id },
      onclick: async () => { if (await remove(ctx, model, status)) { after(true); } },
    }, 'Delete'));
}

function modelStatus(m) {
  if (m.active) {
    return h('span', { class: 'badge state-active' }, 'active');
  }
  if (!m.usable) {
    return h('span', { class: 'badge state-failed', title: m.problem || '' }, 'unusable');
  }
  return h('span', { class: 'badge' }, 'stored');
}

export function renderList(view, ctx) {
  const body = h('div', { id: 'models-list', 'aria-busy': 'true' }, h('p', { class: 'hint' }, 'Loading…'));
  const status = h('div', { id: 'models-status', 'aria-live': 'polite' });
  let controller = new AbortController();
  const rollout = rolloutPanel();

  async function load(focusId) {
    controller.abort();
    controller = new AbortController();
    try {
      const list = await api.models({ signal: controller.signal });
      body.removeAttribute('aria-busy');
      if (!list.length) {
        replace(body, h('p', { class: 'empty' }, 'No model versions yet. ', h('a', { href: '#/train' }, 'Train one'), '.'));
        return;
      }
      replace(body, h('div', { class: 'table-wrap' }, stackable(h('table', { class: 'data', id: 'models-table' },
        h('thead', null, h('tr', null,
          h('th', { scope: 'col' }, 'Model version'),
          h('th', { scope: 'col' }, 'Status'),
          h('th', { scope: 'col', }, 'Labels'),
          h('th', { scope: 'col', class: 'num' }, 'Accuracy'),
          h('th', { scope: 'col', class: 'num' }, 'Macro-F1'),
          h('th', { scope: 'col', }, 'Created'),
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
        h('tbody', null, list.map((m) => h('tr', { dataset: { modelId: m.id, active: String(m.active) } },
          h('td', null, h('a', { href: `#/models/${encodeURIComponent(m.id)}` }, m.name || m.id),
            m.name ? h('div', { class: 'mono small' }, m.id) : null,
            !m.usable && m.problem ? h('div', { class: 'small warning-text' }, m.problem) : null),
          h('td', null, modelStatus(m)),
          h('td', { }, (m.labels || []).join(', ')),
          h('td', { class: 'num', title: m.accuracyMeasuredOn ? `on ${m.accuracyMeasuredOn}` : null }, pct(m.accuracy),
            m.accuracyMeasuredOn ? h('div', { class: 'small' }, `on ${m.accuracyMeasuredOn}`) : null),
          h('td', { class: 'num' }, num(m.macroF1, 3)),
          h('td', { }, dateTime(m.createdAt)),
          h('td', null, modelActions(ctx, m, status, (deleted) => load(deleted ? null : m.id))))))))));
      if (focusId) {
        const row = body.querySelector(`tr[data-model-id="${CSS.escape(focusId)}"] a`);
        if (row) {
          row.focus();
        }
      }
    } catch (e) {
      if (e.name !== 'AbortError') {
        body.removeAttribute('aria-busy');
        replace(body, problemBox(e));
      }
    }
  }

  replace(view,
    h('div', { class: 'title-row' },
      h('h1', null, 'Models'),
      h('a', { class: 'button', href: '#/train' }, 'Train a new one')),
    h('p', { class: 'lead' }, 'Every trained version is kept. The active one answers classify requests that name no model.'),
    status,
    body,
    rollout.panel);
  load();
  return () => { controller.abort(); rollout.stop(); };
}

/** The version's default abstention threshold: shown, changed or removed (PUT /models/{id}/settings). */
function abstentionSetting(m, status, reload) {
  const input = h('input', { type: 'number', id: 'model-min-confidence', min: 0, max: 1, step: 'any',
    value: m.minConfidence ?? '', placeholder: 'none', 'aria-describedby': 'model-min-confidence-hint' });
  const save = h('button', { type: 'submit', class: 'small', id: 'model-settings-save' }, 'Save');
  const form = h('form', { class: 'card', id: 'model-settings' },
    h('div', { class: 'field' },
      h('label', { for: 'model-min-confidence' }, 'Abstain below confidence (this version\'s default)'),
      input,
      h('p', { class: 'hint', id: 'model-min-confidence-hint' }, 'Greater than 0, at most 1. Below it, a classification '
        + 'answers no label unless the request sets its own threshold. Empty: never abstain.')),
    h('div', { class: 'actions' }, save));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    save.disabled = true;
    try {
      const raw = input.value.trim();
      await api.modelSettings(m.id, { minConfidence: raw === '' ? null : Number(raw) });
      replace(status, h('p', { class: 'success' }, raw === '' ? 'This version no longer abstains by default.'
        : `This version now abstains below ${raw}.`));
      reload();
    } catch (e) {
      replace(status, problemBox(e));
    } finally {
      save.disabled = false;
    }
  });
  return form;
}

/**
 * The version's drift: live traffic (on the replica that answers) against its validation data, per signal, with a
 * button to look again.
 */
function driftSection(id, signal) {
  const body = h('div', { id: 'drift-body', 'aria-live': 'polite' }, h('p', { class: 'hint' }, 'Loading…'));
  async function load() {
    try {
      const d = await api.drift(id, { signal });
      const judged = d.status === 'no-reference'
        ? 'This version has no reference profile (it was trained before they were stored, or is bundled): '
          + 'only the live histograms are shown.'
        : d.status === 'insufficient-data'
          ? `Signals are judged from ${d.minSample} live predictions on; ${d.liveSample} so far.`
          : `PSI below ${d.warnPsi} is ok, from ${d.alertPsi} an alert.`;
      replace(body,
        facts([
          ['Status', h('span', { class: `badge drift-${d.status}`, id: 'drift-status' }, d.status)],
          ['Live predictions', `${d.liveSample} in the last ${d.window.replace(/^PT/, '').toLowerCase()} on this replica`],
          ['Validation examples', d.referenceSample === null ? 'none' : String(d.referenceSample)],
        ]),
        h('p', { class: 'hint' }, judged),
        h('div', { class: 'charts' }, d.signals.map(driftHistogram)));
    } catch (e) {
      if (e.name !== 'AbortError') {
        replace(body, problemBox(e));
      }
    }
  }
  load();
  return h('section', { 'aria-labelledby': 'drift-title' },
    h('h2', { id: 'drift-title' }, 'Drift'),
    h('p', { class: 'hint' }, 'Length (tokens read), share of unknown words, predicted label and confidence of the '
      + 'live traffic against the validation data, by the population stability index.'),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary small', id: 'drift-refresh',
      onclick: load }, 'Refresh')),
    body);
}

/** Temperature scaling, its reliability diagram, and the version's precision-target and ambiguity defaults. */
function calibrationSection(c) {
  const t = c.targetThreshold;
  return h('section', { 'aria-labelledby': 'calibration-title' },
    h('h2', { id: 'calibration-title' }, 'Calibration'),
    h('p', null, `Answers are served with temperature ${num(c.temperature, 3)}, fitted on ${c.examples} validation `
      + `texts: expected calibration error ${num(c.eceBefore, 3)} before, `,
    h('strong', { id: 'model-ece-after' }, num(c.eceAfter, 3)), ' after (15 bins).'),
    t ? h('p', { id: 'model-precision-target' }, `Default precision target ${num(t.target, 2)}: `,
      t.threshold !== null && t.threshold !== undefined
        ? `threshold ${num(t.threshold, 3)}, validation precision ${num(t.precision, 3)}, coverage ${pct(t.coverage)}.`
        : `no threshold reaches it (best ${num(t.bestPrecision, 3)}), so every answer abstains.`) : null,
    c.ambiguityMargin ? h('p', null, `Abstains when the top two probabilities are within ${num(c.ambiguityMargin, 2)}.`)
      : null,
    h('div', { class: 'charts' }, reliabilityDiagram(c)));
}

export function renderModel(view, ctx, id) {
  const body = h('div', { id: 'model-details', 'aria-busy': 'true' }, h('p', { class: 'hint' }, 'Loading…'));
  const status = h('div', { id: 'model-status', 'aria-live': 'polite' });
  const title = h('h1', null, 'Model ', h('span', { class: 'mono' }, id));
  const controller = new AbortController();

  async function load() {
    try {
      const m = await api.model(id, { signal: controller.signal });
      body.removeAttribute('aria-busy');
      show(m);
    } catch (e) {
      if (e.name !== 'AbortError') {
        body.removeAttribute('aria-busy');
        replace(body, problemBox(e, h('p', null, h('a', { href: '#/models' }, 'All models'))));
      }
    }
  }

  function show(m) {
    replace(title, m.name || 'Model', ' ', h('span', { class: 'mono small' }, m.id));
    document.title = `Model ${m.name || m.id} · Sentiment service console`;
    const ev = m.evaluation;
    replace(body,
      facts([
        ['Status', modelStatus(m)],
        !m.usable && m.problem ? ['Problem', m.problem] : null,
        ['Created', dateTime(m.createdAt)],
        ['Labels', (m.labels || []).join(', ')],
        m.trainingJobId ? ['Training job', h('a', { href: `#/jobs/${encodeURIComponent(m.trainingJobId)}` }, m.trainingJobId)] : null,
        m.vocabularySize !== null && m.vocabularySize !== undefined ? ['Vocabulary', `${m.vocabularySize} words`
          + (m.wordVectorsCovered ? ` (${m.wordVectorsCovered} from word vectors)` : '')] : null,
        m.parameters ? ['Parameters', num(m.parameters, 0)] : null,
        m.trainingSeconds ? ['Training time', duration(m.trainingSeconds)] : null,
        m.bestEpoch ? ['Best epoch', String(m.bestEpoch)] : null,
      ]),
      h('div', { class: 'actions' }, modelActions(ctx, m, status, (deleted) => {
        if (deleted) {
          ctx.navigate('#/models');
        } else {
          load();
        }
      }),
      m.active ? h('p', { class: 'hint' }, 'This is the active model; activate another one to replace it.') : null),
      m.usable ? abstentionSetting(m, status, load) : null,
      ev ? h('section', { 'aria-labelledby': 'eval-title' },
        h('h2', { id: 'eval-title' }, 'Evaluation'),
        m.heldOut ? h('p', null, `On ${m.heldOut.measuredOn}: accuracy `,
          h('strong', { id: 'model-accuracy' }, pct(m.heldOut.accuracy)),
          ` ± ${(m.heldOut.standardError * 100).toFixed(1)} (standard error), macro-F1 `,
          h('strong', { id: 'model-macro-f1' }, num(m.heldOut.macroF1, 3)), '.') : null,
        ev.multiLabel ? h('p', { id: 'model-multi-label' }, 'Multi-label: micro-F1 ',
          h('strong', null, num(ev.multiLabel.microF1, 3)),
          `, macro-F1 ${num(ev.macroF1, 3)}, Hamming loss ${num(ev.multiLabel.hammingLoss, 3)}, subset accuracy `
          + `${pct(ev.multiLabel.subsetAccuracy)} on ${ev.examples} validation examples (thresholds tuned on them).`) : null,
        Object.entries(m.evaluations || {}).length
          ? h('p', { class: 'hint' }, `On the validation data of its job (${ev.examples} examples): accuracy ${pct(ev.accuracy)}, `
            + `macro-F1 ${num(ev.macroF1, 3)}. The per-label figures below are on that validation data.`) : null,
        h('div', { class: 'table-wrap' }, h('table', { class: 'data', id: 'per-label-table' },
          h('caption', null, 'Per label'),
          h('thead', null, h('tr', null,
            h('th', { scope: 'col' }, 'Label'),
            h('th', { scope: 'col', class: 'num' }, 'Precision'),
            h('th', { scope: 'col', class: 'num' }, 'Recall'),
            h('th', { scope: 'col', class: 'num' }, 'F1'),
            h('th', { scope: 'col', class: 'num' }, 'Support'),
            ev.multiLabel ? h('th', { scope: 'col', class: 'num' }, 'Threshold') : null)),
          h('tbody', null, (ev.perLabel || []).map((l, i) => h('tr', null,
            h('th', { scope: 'row' }, l.label),
            h('td', { class: 'num' }, num(l.precision, 3)),
            h('td', { class: 'num' }, num(l.recall, 3)),
            h('td', { class: 'num' }, num(l.f1, 3)),
            h('td', { class: 'num' }, l.support),
            ev.multiLabel ? h('td', { class: 'num' }, num(ev.multiLabel.thresholds[i], 3)) : null))))),
        ev.confusionMatrix && ev.confusionMatrix.length ? confusionHeatMap(ev.labels || m.labels, ev.confusionMatrix) : null)
        : h('p', { class: 'empty' }, 'No evaluation is stored for this version.'),
      m.usable ? driftSection(m.id, controller.signal) : null,
      m.calibration ? calibrationSection(m.calibration) : null,
      m.history && m.history.length ? h('section', { 'aria-labelledby': 'history-title' },
        h('h2', { id: 'history-title' }, 'Training curves'),
        (() => {
          const c = h('div', { class: 'charts' });
          renderCharts(c, m.history, m.hyperParameters ? m.hyperParameters.epochs : 0);
          return c;
        })()) : null,
      m.dataset ? h('section', { 'aria-labelledby': 'model-dataset-title' },
        h('h2', { id: 'model-dataset-title' }, 'Dataset'),
        facts([
          ['Rows', String(m.dataset.rows)],
          ['Training / validation examples', `${m.dataset.trainExamples} / ${m.dataset.validationExamples}`],
          ['Examples per label', Object.entries(m.dataset.examplesPerLabel || {}).map(([l, n]) => `${l}: ${n}`).join(', ')],
          ['SHA-256', h('span', { class: 'mono wrap' }, m.dataset.sha256)],
        ])) : null,
      m.hyperParameters ? h('section', { 'aria-labelledby': 'model-hp-title' },
        h('h2', { id: 'model-hp-title' }, 'Hyper-parameters'),
        hyperParameterList(m.hyperParameters)) : null);
  }

  replace(view,
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/models' }, '← All models')),
    title,
    status,
    body);
  load();
  return () => controller.abort();
}
