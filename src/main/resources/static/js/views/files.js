// Files: classification jobs, which classify a whole file in the background. Pick a file (its columns previewed,
// parsed here) and start a job; the list shows every job with its live progress (polled every second while one is
// queued or running), a Cancel button while it is, and a link to its results once it has succeeded.
import { api, ApiError } from '../api.js';
import { h, replace, num, dateTime, duration, formatSize, problemBox, stateBadge, stackable } from '../dom.js';
import { preview, readPreview } from '../parse.js';
import { poller } from './jobs.js';

const ACTIVE = new Set(['QUEUED', 'RUNNING']);

// What the user chose survives switching tabs (files cannot be restored by a page).
const remembered = { textColumn: 'text', modelId: '', outputFormat: '' };

export function render(view, ctx) {
  const fileInput = h('input', {
    type: 'file', id: 'cj-file', name: 'data', required: true,
    accept: '.csv,.tsv,.tab,.jsonl,.ndjson,.json,.txt,text/csv,text/tab-separated-values',
    'aria-describedby': 'cj-file-hint cj-file-errors',
  });
  const filePreview = h('div', { id: 'cj-preview', class: 'preview' });
  const fileErrors = h('div', { id: 'cj-file-errors', class: 'file-errors', 'aria-live': 'assertive' });
  const columnsList = h('datalist', { id: 'cj-column-names' });
  const textColumn = h('input', {
    type: 'text', id: 'cj-text-column', name: 'textColumn', required: true, list: 'cj-column-names',
    autocomplete: 'off', value: remembered.textColumn, 'aria-describedby': 'cj-text-column-hint cj-text-column-error',
  });
  const modelSelect = h('select', { id: 'cj-model', name: 'modelId', 'aria-describedby': 'cj-model-error' },
    h('option', { value: '' }, 'The active model'));
  const outputFormat = h('select', { id: 'cj-output-format', name: 'outputFormat',
    'aria-describedby': 'cj-output-format-error' },
    h('option', { value: '' }, 'as the upload (CSV for TSV)'),
    h('option', { value: 'csv' }, 'CSV'),
    h('option', { value: 'jsonl' }, 'JSON Lines'));
  outputFormat.value = remembered.outputFormat;
  const fieldErrors = {
    textColumn: h('p', { class: 'field-error', id: 'cj-text-column-error' }),
    modelId: h('p', { class: 'field-error', id: 'cj-model-error' }),
    outputFormat: h('p', { class: 'field-error', id: 'cj-output-format-error' }),
  };
  const inputs = { textColumn, modelId: modelSelect, outputFormat };
  const submit = h('button', { type: 'submit', id: 'cj-submit' }, 'Start classification job');
  const formStatus = h('div', { id: 'cj-status', 'aria-live': 'polite' });

  const form = h('form', { id: 'cj-form', class: 'card', 'aria-labelledby': 'cj-form-title' },
    h('h2', { id: 'cj-form-title' }, 'Classify a file'),
    h('div', { class: 'field', id: 'cj-file-field' },
      h('label', { for: 'cj-file' }, 'File of texts (CSV, TSV or JSON Lines)'),
      fileInput,
      h('p', { class: 'hint', id: 'cj-file-hint' }, 'A header row (CSV/TSV) or one JSON object per line, UTF-8. '
        + 'A column "id" is copied into the results; without one the rows are numbered from 1.'),
      fileErrors,
      filePreview),
    columnsList,
    h('div', { class: 'grid-2' },
      h('div', { class: 'field' }, h('label', { for: 'cj-text-column' }, 'Text column'), textColumn,
        h('p', { class: 'hint', id: 'cj-text-column-hint' }, 'The column (or JSON field) that holds the texts.'),
        fieldErrors.textColumn),
      h('div', { class: 'field' }, h('label', { for: 'cj-model' }, 'Model version'), modelSelect, fieldErrors.modelId),
      h('div', { class: 'field' }, h('label', { for: 'cj-output-format' }, 'Results format'), outputFormat,
        fieldErrors.outputFormat)),
    h('div', { class: 'actions' }, submit),
    formStatus);

  const list = h('div', { id: 'cj-list', 'aria-busy': 'true' }, h('p', { class: 'hint' }, 'Loading…'));
  const listStatus = h('div', { id: 'cj-list-status', 'aria-live': 'polite' });

  replace(view,
    h('h1', null, 'Classification jobs'),
    h('p', { class: 'lead' }, 'Classify a whole file in the background, below the interactive requests; '
      + 'download one line of results per row when the job has finished.'),
    form,
    h('h2', null, 'Jobs'),
    listStatus,
    list);

  // ---- preview ----

  let filePreviewData = null;

  function renderPreview() {
    const file = fileInput.files && fileInput.files[0];
    if (!file || !filePreviewData) {
      return;
    }
    const p = filePreviewData;
    const column = textColumn.value.trim().toLowerCase();
    const isText = (c) => c.toLowerCase() === column;
    const isId = (c) => c.toLowerCase() === 'id';
    const missing = column && p.columns.length && !p.columns.some(isText);
    replace(filePreview,
      h('p', { class: 'preview-summary' },
        `${file.name} · ${formatSize(file.size)} · format `, h('strong', { class: 'detected-format' }, p.format.toUpperCase())),
      p.columns.length ? h('p', { class: 'columns' }, 'Columns: ',
        h('span', { class: 'detected-columns' }, p.columns.map((c) => h('span', {
          class: `chip${isText(c) ? ' chip-text' : ''}`,
        }, c, isText(c) ? h('span', { class: 'chip-role' }, ' (text)') : isId(c) ? h('span', { class: 'chip-role' }, ' (id)') : null)))) : null,
      missing ? h('p', { class: 'warning' }, `No column '${textColumn.value.trim()}' in this file: set the text column below.`) : null,
      p.problems.length ? h('div', { class: 'warning' }, h('p', null, 'Problems seen in the first rows:'),
        h('ul', null, p.problems.slice(0, 5).map((x) => h('li', null, x)))) : null);
  }

  fileInput.addEventListener('change', async () => {
    replace(fileErrors);
    filePreviewData = null;
    const file = fileInput.files && fileInput.files[0];
    if (!file) {
      replace(filePreview);
      replace(columnsList);
      return;
    }
    replace(filePreview, h('p', { class: 'hint' }, 'Reading…'));
    try {
      const { text, truncated } = await readPreview(file);
      filePreviewData = preview(file.name, text, { maxRows: 5, truncated });
      replace(columnsList, filePreviewData.columns.map((c) => h('option', { value: c })));
      renderPreview();
    } catch (e) {
      replace(filePreview, problemBox(new Error(`Cannot read the file: ${e.message}`)));
    }
  });
  textColumn.addEventListener('input', renderPreview);

  // The model choice lists the usable versions; the active one is the default.
  const models = new AbortController();
  api.models({ signal: models.signal }).then((versions) => {
    for (const m of versions.filter((x) => x.usable)) {
      modelSelect.append(h('option', { value: m.id },
        `${m.name ? `${m.name} · ` : ''}${m.id}${m.active ? ' (active)' : ''}`));
    }
    if ([...modelSelect.options].some((o) => o.value === remembered.modelId)) {
      modelSelect.value = remembered.modelId;
    }
  }).catch(() => { /* the list is a convenience; the active model is used without it */ });

  // ---- submit ----

  function clearErrors() {
    replace(fileErrors);
    replace(formStatus);
    for (const [name, el] of Object.entries(fieldErrors)) {
      replace(el);
      inputs[name].removeAttribute('aria-invalid');
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors();
    const file = fileInput.files && fileInput.files[0];
    if (!file) {
      replace(fileErrors, problemBox(new Error('Choose a file to classify.')));
      fileInput.focus();
      return;
    }
    const body = new FormData();
    body.append('data', file, file.name);
    if (textColumn.value.trim()) {
      body.append('textColumn', textColumn.value.trim());
    }
    if (modelSelect.value) {
      body.append('modelId', modelSelect.value);
    }
    if (outputFormat.value) {
      body.append('outputFormat', outputFormat.value);
    }
    submit.disabled = true;
    replace(formStatus, h('p', { class: 'hint' }, 'Uploading and checking the file…'));
    try {
      const job = await api.startClassificationJob(body);
      remembered.textColumn = textColumn.value;
      remembered.modelId = modelSelect.value;
      remembered.outputFormat = outputFormat.value;
      replace(formStatus, h('p', { class: 'success', role: 'status', id: 'cj-started' },
        `Job ${job.id} is ${job.state.toLowerCase()}: ${num(job.progress.totalRows, 0)} row${job.progress.totalRows === 1 ? '' : 's'} `
        + `of ${job.filename || 'the file'} with model ${job.modelId}.`));
      form.reset();
      textColumn.value = remembered.textColumn;
      modelSelect.value = remembered.modelId;
      outputFormat.value = remembered.outputFormat;
      filePreviewData = null;
      replace(filePreview);
      watchList();
    } catch (e) {
      replace(formStatus);
      showSubmitError(e);
    } finally {
      submit.disabled = false;
    }
  });

  function showSubmitError(e) {
    replace(fileErrors, problemBox(e));
    let firstInvalid = null;
    for (const err of e instanceof ApiError ? e.errors : []) {
      if (typeof err === 'object' && err && inputs[err.field]) {
        inputs[err.field].setAttribute('aria-invalid', 'true');
        fieldErrors[err.field].append(h('span', null, err.message));
        firstInvalid = firstInvalid || inputs[err.field];
      }
    }
    fileErrors.scrollIntoView({ block: 'nearest' });
    if (firstInvalid) {
      firstInvalid.focus({ preventScroll: true });
    }
  }

  // ---- the list ----

  async function cancel(job) {
    const question = `Cancel the classification of ${job.filename || job.id}? A cancelled job has no results to download.`;
    if (!(await ctx.confirm(question, { title: 'Cancel the job?', ok: 'Cancel job' }))) {
      return;
    }
    replace(listStatus);
    try {
      const cancelled = await api.cancelClassificationJob(job.id);
      replace(listStatus, h('p', { class: 'hint', id: 'cj-cancelled' }, `Job ${cancelled.id} is ${cancelled.state.toLowerCase()}.`));
    } catch (e) {
      replace(listStatus, problemBox(e));
    }
    watchList();
  }

  // through api.js, so that the X-API-Key header goes with it when keys are set (a plain link cannot send it)
  async function saveResults(event, job) {
    event.preventDefault();
    replace(listStatus);
    try {
      await api.downloadClassificationResults(job.id, `${job.id}-results.${job.outputFormat}`);
    } catch (e) {
      replace(listStatus, problemBox(e));
    }
  }

  function showList(jobs, error) {
    list.removeAttribute('aria-busy');
    if (error) {
      replace(list, problemBox(error));
      return;
    }
    if (!jobs.length) {
      replace(list, h('p', { class: 'empty' }, 'No classification jobs yet. Choose a file above to start one.'));
      return;
    }
    const table = stackable(h('table', { class: 'data', id: 'cj-table' },
      h('thead', null, h('tr', null,
        h('th', { scope: 'col' }, 'File'),
        h('th', { scope: 'col' }, 'State'),
        h('th', { scope: 'col' }, 'Progress'),
        h('th', { scope: 'col', class: 'num' }, 'Rows/s'),
        h('th', { scope: 'col', class: 'num' }, 'Time left'),
        h('th', { scope: 'col' }, 'Model'),
        h('th', { scope: 'col' }, 'Created'),
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
      h('tbody', null, jobs.map((job) => jobRow(job, cancel, saveResults)))));
    const shown = list.querySelector('#cj-table');
    if (shown) {
      updateRows(shown.tBodies[0], [...table.tBodies[0].rows]);
    } else {
      replace(list, h('div', { class: 'table-wrap' }, table));
    }
  }

  let stopList = null;
  /** (Re)starts polling the list: every second while a job is queued or running, then it stops. */
  function watchList() {
    if (stopList) {
      stopList();
    }
    stopList = poller((signal) => api.classificationJobs({ signal }), showList,
      { interval: 1000, keepGoing: (jobs) => jobs.some((j) => ACTIVE.has(j.state)) });
  }
  watchList();

  return () => {
    models.abort();
    if (stopList) {
      stopList();
    }
    remembered.textColumn = textColumn.value;
    remembered.modelId = modelSelect.value;
    remembered.outputFormat = outputFormat.value;
  };
}

/**
 * Brings the shown rows up to date with freshly built ones (same job id, same cells), replacing only the cells that
 * changed: the list is read every second while a job runs, and a Cancel button or a link that is replaced under the
 * pointer or the keyboard focus would lose the click or the focus.
 */
function updateRows(tbody, fresh) {
  const old = new Map([...tbody.rows].map((tr) => [tr.dataset.jobId, tr]));
  let previous = null;
  for (const tr of fresh) {
    let row = old.get(tr.dataset.jobId);
    if (row) {
      old.delete(tr.dataset.jobId);
      row.dataset.state = tr.dataset.state;
      [...tr.cells].forEach((cell, i) => {
        if (row.cells[i].outerHTML !== cell.outerHTML) {
          row.cells[i].replaceWith(cell);
        }
      });
    } else {
      row = tr;
    }
    const place = previous ? previous.nextSibling : tbody.firstChild;
    if (row !== place) {
      tbody.insertBefore(row, place);
    }
    previous = row;
  }
  for (const gone of old.values()) {
    gone.remove();
  }
}

function jobRow(job, cancel, saveResults) {
  const p = job.progress || { rowsDone: 0, totalRows: 0, percent: 0 };
  const percent = job.state === 'SUCCEEDED' ? 100 : p.percent || 0;
  const label = job.filename || job.id;
  return h('tr', { dataset: { jobId: job.id, state: job.state } },
    h('td', null, h('span', { class: 'wrap' }, label),
      h('div', { class: 'mono small' }, job.id),
      h('div', { class: 'small' }, `${(job.inputFormat || '').toUpperCase()} · column ${job.textColumn} · results `
        + `${(job.outputFormat || '').toUpperCase()}`)),
    h('td', null, stateBadge(job.state),
      job.state === 'FAILED' && job.error ? h('div', { class: 'small warning-text cj-error' }, job.error) : null),
    h('td', { class: 'cj-progress' },
      h('progress', { max: 100, value: percent, 'aria-label': `Progress of ${label}` }, `${num(percent, 1)} %`),
      h('div', { class: 'small cj-rows' }, `${num(p.rowsDone, 0)} of ${num(p.totalRows, 0)} rows (${num(percent, 1)} %)`)),
    h('td', { class: 'num' }, p.rowsPerSecond != null ? num(p.rowsPerSecond, 1) : '–'),
    h('td', { class: 'num' }, ACTIVE.has(job.state) && p.etaSeconds != null ? duration(p.etaSeconds) : '–'),
    h('td', null, job.modelId ? h('a', { href: `#/models/${encodeURIComponent(job.modelId)}`, class: 'mono small' }, job.modelId) : '–'),
    h('td', null, dateTime(job.createdAt),
      job.finishedAt ? h('div', { class: 'small' }, `ended ${dateTime(job.finishedAt)}`) : null),
    h('td', null, h('div', { class: 'row-actions' },
      ACTIVE.has(job.state) ? h('button', {
        type: 'button', class: 'small danger', dataset: { action: 'cancel' }, 'aria-label': `Cancel ${label}`,
        onclick: () => cancel(job),
      }, 'Cancel') : null,
      // the API's address without its leading slash: relative to the console, as every call of api.js is; the
      // click fetches it with the key
      job.state === 'SUCCEEDED' && job.results ? h('a', {
        class: 'button small', href: job.results.replace(/^\//, ''), download: `${job.id}-results.${job.outputFormat}`,
        dataset: { action: 'results' }, 'aria-label': `Download the results of ${label}`,
        onclick: (event) => saveResults(event, job),
      }, 'Download results') : null)));
}
