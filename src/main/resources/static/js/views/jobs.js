// Jobs: the list, and one job with live progress and per-epoch charts (polled every second while it runs).
import { api } from '../api.js';
import { h, replace, num, pct, dateTime, duration, problemBox, facts, stateBadge, stackable } from '../dom.js';
import { lineChart } from '../charts.js';

const ACTIVE = new Set(['QUEUED', 'RUNNING']);

/** Polls `load` every `interval` ms while `keepGoing(result)` holds; returns a function that stops it. */
export function poller(load, render, { interval, keepGoing }) {
  let stopped = false;
  let timer = null;
  let controller = null;
  async function tick() {
    controller = new AbortController();
    let again = true;
    try {
      const result = await load(controller.signal);
      if (stopped) {
        return;
      }
      render(result, null);
      again = keepGoing(result);
    } catch (e) {
      if (stopped || e.name === 'AbortError') {
        return;
      }
      render(null, e);
      again = e.status === 0 || e.status >= 500; // keep trying through a restart, not through a 404
    }
    if (again && !stopped) {
      timer = setTimeout(tick, document.hidden ? interval * 5 : interval);
    }
  }
  tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
    if (controller) {
      controller.abort();
    }
  };
}

export function renderList(view, ctx) {
  const body = h('div', { id: 'jobs-list', 'aria-busy': 'true' }, h('p', { class: 'hint' }, 'Loading…'));
  replace(view,
    h('div', { class: 'title-row' },
      h('h1', null, 'Training jobs'),
      h('a', { class: 'button', href: '#/train' }, 'New job')),
    body);

  return poller((signal) => api.jobs({ signal }), (list, error) => {
    body.removeAttribute('aria-busy');
    if (error) {
      replace(body, problemBox(error));
      return;
    }
    if (!list.length) {
      replace(body, h('p', { class: 'empty' }, 'No training jobs yet. ', h('a', { href: '#/train' }, 'Start one'), '.'));
      return;
    }
    const focusedRow = document.activeElement && body.contains(document.activeElement)
      ? document.activeElement.closest('tr') : null;
    const focusedId = focusedRow ? focusedRow.dataset.jobId : null;
    replace(body, h('div', { class: 'table-wrap' }, stackable(h('table', { class: 'data', id: 'jobs-table' },
      h('thead', null, h('tr', null,
        h('th', { scope: 'col' }, 'Job'),
        h('th', { scope: 'col' }, 'State'),
        h('th', { scope: 'col', class: 'num' }, 'Progress'),
        h('th', { scope: 'col', class: 'num' }, 'Validation accuracy'),
        h('th', { scope: 'col' }, 'Created'),
        h('th', { scope: 'col' }, 'Model'))),
      h('tbody', null, list.map((job) => h('tr', { dataset: { jobId: job.id, state: job.state } },
        h('td', null, h('a', { href: `#/jobs/${encodeURIComponent(job.id)}` }, job.name || shortId(job.id))),
        h('td', null, stateBadge(job.state)),
        h('td', { class: 'num' }, job.progress ? `${num(job.progress.percent, 1)} %` : '–'),
        h('td', { class: 'num' }, pct(job.metrics && job.metrics.validationAccuracy)),
        h('td', null, dateTime(job.createdAt)),
        h('td', null, job.modelId ? h('a', { href: `#/models/${encodeURIComponent(job.modelId)}` }, job.modelId) : '–'))))))));
    if (focusedId) {
      // The table is redrawn while jobs run: keep the keyboard focus on the same job.
      const link = body.querySelector(`tr[data-job-id="${CSS.escape(focusedId)}"] a`);
      if (link) {
        link.focus();
      }
    }
  }, { interval: 2000, keepGoing: (list) => list.some((j) => ACTIVE.has(j.state)) });
}

export function renderJob(view, ctx, id) {
  const title = h('h1', null, 'Job ', h('span', { class: 'mono' }, shortId(id)));
  const stateArea = h('div', { id: 'job-state' });
  const progressArea = h('div', { id: 'job-progress', class: 'card' });
  const cancelButton = h('button', { type: 'button', id: 'cancel-job', class: 'danger', hidden: true }, 'Cancel job');
  const actionStatus = h('div', { 'aria-live': 'polite' });
  const charts = h('div', { class: 'charts', id: 'job-charts' });
  const details = h('div', { id: 'job-details' });
  const announcer = h('p', { class: 'visually-hidden', role: 'status', id: 'job-announcer' });
  let job = null;
  let chartKey = '';

  cancelButton.addEventListener('click', async () => {
    if (!(await ctx.confirm('Cancel this training job? No model version will be written.', { title: 'Cancel the job?', ok: 'Cancel job' }))) {
      return;
    }
    cancelButton.disabled = true;
    replace(actionStatus);
    try {
      show(await api.cancelJob(id));
      replace(actionStatus, h('p', { class: 'hint' }, 'Cancellation requested.'));
      ctx.refreshStatus();
    } catch (e) {
      replace(actionStatus, problemBox(e));
    } finally {
      cancelButton.disabled = false;
    }
  });

  replace(view,
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/jobs' }, '← All jobs')),
    title,
    announcer,
    stateArea,
    progressArea,
    h('div', { class: 'actions' }, cancelButton),
    actionStatus,
    h('h2', null, 'Training curves'),
    charts,
    details);

  function show(j) {
    const wasActive = job && ACTIVE.has(job.state);
    if (job && job.state !== j.state) {
      // Announced once per change; the regions below are redrawn every second and are not live.
      announcer.textContent = `Job state: ${j.state}`;
    }
    job = j;
    replace(title, 'Job ', j.name ? j.name : h('span', { class: 'mono' }, shortId(j.id)));
    document.title = `Job ${j.name || shortId(j.id)} · Sentiment service console`;
    replace(stateArea, facts([
      ['State', h('span', { id: 'job-state-value', dataset: { state: j.state } }, stateBadge(j.state))],
      ['Job ID', h('span', { class: 'mono' }, j.id)],
      ['Created', dateTime(j.createdAt)],
      j.startedAt ? ['Started', dateTime(j.startedAt)] : null,
      j.finishedAt ? ['Finished', dateTime(j.finishedAt)] : null,
      // which process trains it (its health and metrics address), and how many claims it took
      j.worker ? ['Worker', h('span', { class: 'mono', id: 'job-worker' }, j.worker)] : null,
      j.attempts > 1 ? ['Attempts', h('span', { id: 'job-attempts' }, String(j.attempts))] : null,
      ['Model', j.modelId ? h('a', { href: `#/models/${encodeURIComponent(j.modelId)}`, id: 'job-model-link' }, j.modelId)
        : j.state === 'SUCCEEDED' ? '–' : activationPlan(j.activate)],
    ]),
    j.candidates && j.candidates.length ? candidatesView(j.candidates) : null,
    j.promotion ? promotionView(j.promotion) : null,
    j.state === 'FAILED' && j.error ? h('div', { class: 'problem', role: 'alert' },
      h('p', { class: 'problem-title' }, 'The job failed'), h('p', null, j.error)) : null);
    cancelButton.hidden = !ACTIVE.has(j.state);
    renderProgress(j);
    // the most epochs a candidate trains (a fine-tuning phase adds to "epochs"), and at least those trained
    const xMax = Math.max((j.hyperParameters && j.hyperParameters.epochs) || 0, (j.progress && j.progress.totalEpochs) || 0,
      (j.history || []).length);
    const key = `${(j.history || []).length}|${xMax}`;
    if (key !== chartKey) {
      chartKey = key;
      renderCharts(charts, j.history || [], xMax);
    }
    renderDetails(j);
    if (wasActive && !ACTIVE.has(j.state)) {
      ctx.refreshStatus();
    }
  }

  function renderProgress(j) {
    const p = j.progress || {};
    const percent = j.state === 'SUCCEEDED' ? 100 : p.percent || 0;
    const parts = [];
    if (p.totalCandidates) {
      parts.push(`candidate ${p.candidate} of ${p.totalCandidates} (${p.candidateName})`);
    }
    if (p.totalFolds) {
      parts.push(`fold ${p.fold} of ${p.totalFolds}`);
    }
    if (p.totalEpochs) {
      parts.push(`epoch ${p.epoch} of ${p.totalEpochs}`);
    }
    if (p.totalBatches) {
      parts.push(`batch ${p.batch} of ${p.totalBatches}`);
    }
    if (ACTIVE.has(j.state) && p.etaSeconds !== null && p.etaSeconds !== undefined) {
      parts.push(`about ${duration(p.etaSeconds)} left`);
    }
    if (p.examplesPerSecond) {
      parts.push(`${num(p.examplesPerSecond, 1)} examples/s`);
    }
    const m = j.metrics || {};
    replace(progressArea,
      h('div', { class: 'progress-head' },
        h('label', { for: 'job-progress-bar' }, 'Progress'),
        h('span', { id: 'job-percent', class: 'big-number' }, `${num(percent, 1)} %`)),
      h('progress', { id: 'job-progress-bar', max: 100, value: percent }, `${num(percent, 1)} %`),
      h('p', { id: 'job-progress-text' }, j.state === 'QUEUED' ? 'Waiting for a free training slot.' : parts.join(' · ') || '–'),
      facts([
        ['Latest training loss', num(m.trainLoss, 4)],
        ['Validation accuracy', h('span', { id: 'job-validation-accuracy' }, pct(m.validationAccuracy)
          + (m.validationAccuracyStandardError != null ? ` ± ${num(m.validationAccuracyStandardError * 100, 1)}` : ''))],
        ['Validation macro-F1', h('span', { id: 'job-validation-macro-f1' }, num(m.validationMacroF1, 3)
          + (m.validationMacroF1StandardError != null ? ` ± ${num(m.validationMacroF1StandardError, 3)}` : ''))],
        m.learningRate != null ? ['Learning rate', num(m.learningRate, 6)] : null,
      ], { class: 'facts inline' }));
  }

  function renderDetails(j) {
    const d = j.dataset;
    const hp = j.hyperParameters || {};
    replace(details,
      d ? h('section', { 'aria-labelledby': 'dataset-title' },
        h('h2', { id: 'dataset-title' }, 'Dataset'),
        facts([
          ['Format', (d.format || '').toUpperCase()],
          ['Rows read / used / skipped', `${d.rowsRead} / ${d.rowsUsed} / ${d.rowsSkipped}`],
          d.skippedReasons && Object.keys(d.skippedReasons).length
            ? ['Skipped because', Object.entries(d.skippedReasons).map(([r, n]) => `${r}: ${n}`).join('; ')] : null,
          ['Examples per label', Object.entries(d.examplesPerLabel || {}).map(([l, n]) => `${l}: ${n}`).join(', ')],
          d.labelCombinations ? ['Label combinations (multi-label)', Object.entries(d.labelCombinations)
            .map(([l, n]) => `${l || '(none)'}: ${n}`).join(', ')] : null,
          ['Training / validation examples', `${d.trainExamples} / ${d.validationExamples}`],
          d.feedbackAdded || d.feedbackDuplicates
            ? ['Stored corrections added / left out as duplicates', `${d.feedbackAdded} / ${d.feedbackDuplicates}`] : null,
          ['Validation data', (d.validationSource === 'file' ? 'validation file' : d.validationSource === 'split' ? 'held-out split' : d.validationSource)
            + `, ${d.validationDuplicatesRemoved || 0} cop${d.validationDuplicatesRemoved === 1 ? 'y' : 'ies'} of training examples removed`],
          ['SHA-256', h('span', { class: 'mono wrap' }, d.sha256)],
        ])) : null,
      h('section', { 'aria-labelledby': 'hp-title' },
        h('h2', { id: 'hp-title' }, 'Hyper-parameters'),
        hyperParameterList(hp)));
  }

  return poller((signal) => api.job(id, { signal }), (j, error) => {
    if (error) {
      replace(stateArea, problemBox(error));
      return;
    }
    show(j);
  }, { interval: 1000, keepGoing: (j) => ACTIVE.has(j.state) });
}

function activationPlan(activate) {
  if (activate === 'if-better') {
    return 'written when it succeeds, and activated if it beats the active model';
  }
  return activate ? 'written and activated when it succeeds' : 'written when it succeeds';
}

/**
 * The configurations a search ("preset": "auto") trained, their figures and the one kept; on a small file they
 * were compared by cross-validation (out-of-fold figures over every training row), else on the validation split.
 */
function candidatesView(candidates) {
  const crossValidated = candidates.some((c) => c.folds);
  const figure = (value, error) => (value === null || value === undefined ? '–' : `${num(value, 4)} ± ${num(error, 4)}`);
  const rows = candidates.map((c) => h('tr', { dataset: { candidate: c.name, chosen: String(c.chosen) }, class: c.chosen ? 'chosen' : null },
    h('th', { scope: 'row' }, c.name, c.chosen ? h('span', { class: 'badge' }, ' kept') : null),
    crossValidated ? h('td', null, figure(c.outOfFoldMacroF1, c.outOfFoldMacroF1StandardError)) : null,
    h('td', null, figure(c.validationMacroF1, c.validationMacroF1StandardError)),
    h('td', null, c.validationAccuracy === null || c.validationAccuracy === undefined ? '–' : pct(c.validationAccuracy)),
    h('td', null, c.epochs === null || c.epochs === undefined ? '–' : String(c.epochs)),
    h('td', null, c.trainingSeconds === null || c.trainingSeconds === undefined ? '–' : duration(c.trainingSeconds)),
    h('td', null, c.note || (crossValidated ? 'best by out-of-fold macro-F1' : 'best by validation macro-F1')
      + (c.ensemble ? `; ${c.ensemble}` : ''))));
  const headings = ['Candidate', ...(crossValidated ? ['Out-of-fold macro-F1'] : []), 'Validation macro-F1', 'Accuracy',
    'Epochs', 'Training time', 'Decision'];
  return h('section', { id: 'job-candidates', 'aria-labelledby': 'candidates-title' },
    h('h2', { id: 'candidates-title' }, 'Configurations tried'),
    candidates[0].comparison ? h('p', { id: 'job-candidates-comparison' }, `Compared on ${candidates[0].comparison}.`) : null,
    stackable(h('table', { class: 'data' },
      h('thead', null, h('tr', null, ...headings.map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, ...rows))));
}

/** What "activate": "if-better" decided, with both figures. */
function promotionView(p) {
  const activated = p.decision === 'activated';
  return h('section', { class: `promotion ${p.decision}`, id: 'job-promotion', 'aria-labelledby': 'promotion-title' },
    h('h2', { id: 'promotion-title' }, activated ? 'Promoted: the new model is active' : 'Not promoted: the active model stays'),
    facts([
      ['Decision', h('span', { id: 'promotion-decision' }, p.decision)],
      ['New model\'s macro-F1', h('span', { id: 'promotion-candidate' }, num(p.candidateMacroF1, 4))],
      ['Active model\'s macro-F1', h('span', { id: 'promotion-active' }, p.activeMacroF1 === null || p.activeMacroF1 === undefined
        ? '–' : num(p.activeMacroF1, 4))],
      p.activeModelId ? ['Compared with', h('a', { href: `#/models/${encodeURIComponent(p.activeModelId)}` }, p.activeModelId)] : null,
      ['Held-out examples', String(p.examples)],
      ['Why', h('span', { id: 'promotion-reason' }, p.reason)],
    ]));
}

/** The loss chart and the validation chart of a history. */
export function renderCharts(container, history, xMax) {
  const open = new Set([...container.querySelectorAll('details[open]')].map((d) => d.closest('figure').id));
  replace(container,
    lineChart({
      id: 'loss-chart', title: 'Training loss per epoch', yLabel: 'loss', xMax,
      series: [{ name: 'training loss', values: history.map((e) => [e.epoch, e.trainLoss]) }],
      format: (v) => num(v, 4),
    }),
    lineChart({
      id: 'validation-chart', title: 'Validation accuracy and macro-F1 per epoch', yLabel: 'score', xMax, yMin: 0, yMax: 1,
      series: [
        { name: 'validation accuracy', values: history.map((e) => [e.epoch, e.validationAccuracy]) },
        { name: 'validation macro-F1', values: history.map((e) => [e.epoch, e.validationMacroF1]) },
      ],
      format: (v) => num(v, 3),
    }));
  for (const id of open) {
    const d = container.querySelector(`#${id} details`);
    if (d) {
      d.open = true;
    }
  }
}

export function hyperParameterList(hp) {
  const names = {
    epochs: 'Epochs', batchSize: 'Batch size', learningRate: 'Learning rate', embeddingSize: 'Embedding size',
    lstmUnits: 'LSTM units', bidirectional: 'Bidirectional', dropout: 'Dropout', maxSequenceLength: 'Max sequence length',
    minWordFrequency: 'Minimum word frequency', maxVocabularySize: 'Maximum vocabulary size', seed: 'Seed',
    earlyStoppingPatience: 'Early stopping patience', pooling: 'Pooling', wordVectors: 'Word vectors',
    freezeEmbeddings: 'Freeze embeddings', selectionMetric: 'Selection metric', embeddingDropout: 'Embedding dropout',
    engine: 'Engine', spatialDropout: 'Spatial dropout', weightDecay: 'Weight decay',
    fineTuneEpochs: 'Fine-tuning epochs', ensembleSize: 'Ensemble size', classWeights: 'Class weights',
  };
  // the API writes pooling, engine, selectionMetric and classWeights as a job's config spells them
  const value = (v) => (v === null || v === undefined ? 'none' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));
  return facts(Object.entries(hp).map(([k, v]) => [names[k] || k, value(v)]),
    { class: 'facts columns' });
}

export function shortId(id) {
  return id && id.length > 13 && /^[0-9a-f-]{36}$/.test(id) ? id.slice(0, 8) : id;
}
