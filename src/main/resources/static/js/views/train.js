// Train: pick a labelled file (preview and detected columns, parsed here), set the hyper-parameters, start a job.
// The service's validation problems are shown next to the file they concern.
import { api, ApiError } from '../api.js';
import { h, replace, problemBox, formatSize } from '../dom.js';
import { preview, readPreview } from '../parse.js';

/** The common settings, with the service's documented defaults. */
const COMMON = [
  { name: 'epochs', label: 'Epochs', value: 15, min: 1, max: 1000, step: 1, hint: 'Maximum; early stopping may end sooner.' },
  { name: 'batchSize', label: 'Batch size', value: 64, min: 1, max: 4096, step: 1 },
  { name: 'learningRate', label: 'Learning rate', value: 0.002, min: 0.000001, max: 1, step: 'any' },
  { name: 'embeddingSize', label: 'Embedding size', value: 100, min: 2, max: 1024, step: 1, hint: 'Taken from the word vectors file when one is used.' },
  { name: 'lstmUnits', label: 'LSTM units', value: 128, min: 1, max: 2048, step: 1 },
  { name: 'dropout', label: 'Dropout', value: 0.5, min: 0, max: 0.95, step: 'any' },
  { name: 'embeddingDropout', label: 'Embedding dropout', value: 0.25, min: 0, max: 0.95, step: 'any' },
  { name: 'maxSequenceLength', label: 'Max sequence length (tokens)', value: 100, min: 1, max: 2048, step: 1 },
  { name: 'validationSplit', label: 'Validation split', value: 0.1, min: 0.01, max: 0.5, step: 'any', hint: 'Share held out when no validation file is given.' },
];

/** Settings left to the service unless filled in. */
const ADVANCED = [
  { name: 'earlyStoppingPatience', label: 'Early stopping patience (epochs)', min: 0, max: 100, step: 1, placeholder: '3', hint: '0 never stops early.' },
  { name: 'minWordFrequency', label: 'Minimum word frequency', min: 1, step: 1, placeholder: 'service default' },
  { name: 'maxVocabularySize', label: 'Maximum vocabulary size', min: 3, max: 2000000, step: 1, placeholder: '50000' },
  { name: 'seed', label: 'Seed', step: 1, placeholder: '42' },
];

const INTEGER_FIELDS = new Set(['epochs', 'batchSize', 'embeddingSize', 'lstmUnits', 'maxSequenceLength',
  'earlyStoppingPatience', 'minWordFrequency', 'maxVocabularySize', 'seed']);

// What the user typed survives switching tabs (files cannot be restored by a page).
const remembered = {};

export function render(view, ctx) {
  const dataInput = h('input', {
    type: 'file', id: 'data-file', name: 'data', required: true,
    accept: '.csv,.tsv,.tab,.jsonl,.ndjson,.json,.txt,text/csv,text/tab-separated-values',
    'aria-describedby': 'data-hint data-errors',
  });
  const validationInput = h('input', {
    type: 'file', id: 'validation-file', name: 'validation',
    accept: '.csv,.tsv,.tab,.jsonl,.ndjson,.json,.txt,text/csv,text/tab-separated-values',
    'aria-describedby': 'validation-hint validation-errors',
  });
  const dataPreview = h('div', { id: 'data-preview', class: 'preview' });
  const validationPreview = h('div', { id: 'validation-preview', class: 'preview' });
  const dataErrors = h('div', { id: 'data-errors', class: 'file-errors', 'aria-live': 'assertive' });
  const validationErrors = h('div', { id: 'validation-errors', class: 'file-errors', 'aria-live': 'assertive' });
  const columnsList = h('datalist', { id: 'column-names' });

  const inputs = {};
  const fieldErrors = {};

  function textField(name, label, attrs = {}, hint = null) {
    const id = `cfg-${name}`;
    const input = h('input', {
      id, name, type: 'text', ...attrs,
      'aria-describedby': [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(' '),
    });
    if (remembered[name] !== undefined) {
      input.value = remembered[name];
    }
    inputs[name] = input;
    fieldErrors[name] = h('p', { class: 'field-error', id: `${id}-error` });
    return h('div', { class: 'field' }, h('label', { for: id }, label), input,
      hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null, fieldErrors[name]);
  }

  function numberField(spec) {
    return textField(spec.name, spec.label, {
      type: 'number', inputmode: spec.step === 1 ? 'numeric' : 'decimal', min: spec.min, max: spec.max,
      step: spec.step, value: spec.value !== undefined ? String(spec.value) : null, placeholder: spec.placeholder,
      required: spec.value !== undefined,
    }, spec.hint);
  }

  function checkbox(name, label, checked, hint) {
    const id = `cfg-${name}`;
    const input = h('input', { type: 'checkbox', id, name, checked: remembered[name] ?? checked,
      'aria-describedby': hint ? `${id}-hint` : null });
    inputs[name] = input;
    fieldErrors[name] = h('p', { class: 'field-error', id: `${id}-error` });
    return h('div', { class: 'field checkbox' }, input, h('label', { for: id }, label),
      hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null, fieldErrors[name]);
  }

  const pooling = h('select', { id: 'cfg-pooling', name: 'pooling' },
    h('option', { value: '' }, 'service default (last)'),
    h('option', { value: 'last' }, 'last real step'),
    h('option', { value: 'max' }, 'max over steps'),
    h('option', { value: 'mean' }, 'mean over steps'));
  if (remembered.pooling) {
    pooling.value = remembered.pooling;
  }
  inputs.pooling = pooling;
  fieldErrors.pooling = h('p', { class: 'field-error', id: 'cfg-pooling-error' });

  // "auto" trains several configurations (cross-validated on a small file) and keeps the best; "none" exactly these
  const preset = h('select', { id: 'cfg-preset', name: 'preset', 'aria-describedby': 'cfg-preset-hint' },
    h('option', { value: '' }, 'service default (auto)'),
    h('option', { value: 'auto' }, 'try several configurations, keep the best (auto)'),
    h('option', { value: 'none' }, 'train exactly these settings (none)'));
  if (remembered.preset) {
    preset.value = remembered.preset;
  }
  inputs.preset = preset;
  fieldErrors.preset = h('p', { class: 'field-error', id: 'cfg-preset-error' });

  // multi-label: several labels per text, joined in the label column (or JSON Lines label arrays)
  const task = h('select', { id: 'cfg-task', name: 'task', 'aria-describedby': 'cfg-task-hint' },
    h('option', { value: '' }, 'tell from the data'),
    h('option', { value: 'single-label' }, 'one label per text'),
    h('option', { value: 'multi-label' }, 'several labels per text (multi-label)'));
  if (remembered.task) {
    task.value = remembered.task;
  }
  inputs.task = task;
  fieldErrors.task = h('p', { class: 'field-error', id: 'cfg-task-error' });

  // "if-better" first and by default, as the service's own default: a job never silently replaces a better model
  const activate = h('select', { id: 'cfg-activate', name: 'activate', 'aria-describedby': 'cfg-activate-hint' },
    h('option', { value: 'if-better' }, 'activate it only if it is better than the active one'),
    h('option', { value: 'true' }, 'activate the new model'),
    h('option', { value: 'false' }, 'only store it'));
  activate.value = remembered.activate || 'if-better';
  inputs.activate = activate;
  fieldErrors.activate = h('p', { class: 'field-error', id: 'cfg-activate-error' });

  const submit = h('button', { type: 'submit', id: 'train-submit' }, 'Start training');
  const formStatus = h('div', { id: 'train-status', 'aria-live': 'polite' });

  const form = h('form', { id: 'train-form', class: 'card' },
    h('fieldset', null,
      h('legend', null, 'Data'),
      h('div', { class: 'field', id: 'data-field' },
        h('label', { for: 'data-file' }, 'Training file (CSV, TSV or JSON Lines)'),
        dataInput,
        h('p', { class: 'hint', id: 'data-hint' }, 'A header row (CSV/TSV) or one JSON object per line, UTF-8.'),
        dataErrors,
        dataPreview),
      h('div', { class: 'field', id: 'validation-field' },
        h('label', { for: 'validation-file' }, 'Validation file (optional)'),
        validationInput,
        h('p', { class: 'hint', id: 'validation-hint' }, 'Same format; otherwise a stratified split is held out.'),
        validationErrors,
        validationPreview),
      h('div', { class: 'grid-2' },
        textField('textColumn', 'Text column', { value: 'text', required: true, list: 'column-names', autocomplete: 'off' }),
        textField('labelColumn', 'Label column', { value: 'label', required: true, list: 'column-names', autocomplete: 'off' })),
      columnsList,
      h('div', { class: 'grid-2' },
        h('div', { class: 'field' }, h('label', { for: 'cfg-task' }, 'Labels per text'), task,
          h('p', { class: 'hint', id: 'cfg-task-hint' }, 'Multi-label when a label holds the separator '
            + '(billing|urgent) or JSON Lines rows give "labels": [...].'), fieldErrors.task),
        textField('labelSeparator', 'Label separator', { maxlength: 5, placeholder: '|', autocomplete: 'off' }))),
    h('fieldset', null,
      h('legend', null, 'Model'),
      textField('name', 'Name of the model version', { maxlength: 100, placeholder: 'e.g. reviews-2026', autocomplete: 'off' }),
      h('div', { class: 'grid-2' }, COMMON.map(numberField)),
      h('details', { class: 'advanced' },
        h('summary', null, 'More settings'),
        h('div', { class: 'grid-2' },
          ADVANCED.map(numberField),
          h('div', { class: 'field' }, h('label', { for: 'cfg-pooling' }, 'Pooling'), pooling, fieldErrors.pooling),
          h('div', { class: 'field' }, h('label', { for: 'cfg-preset' }, 'Configuration search'), preset,
            h('p', { class: 'hint', id: 'cfg-preset-hint' }, 'Auto compares a few architectures with these settings '
              + '(cross-validated on a small file) and keeps the best; it takes several times as long.'),
            fieldErrors.preset),
          textField('wordVectors', 'Word vectors file', { placeholder: 'service default', autocomplete: 'off',
            pattern: '[A-Za-z0-9][A-Za-z0-9._\\-]{0,127}' }, 'A file in the service\'s vectors directory; "none" turns them off.')),
        checkbox('bidirectional', 'Bidirectional LSTM', false),
        checkbox('freezeEmbeddings', 'Freeze pre-computed word vectors', false)),
      h('div', { class: 'field' }, h('label', { for: 'cfg-activate' }, 'When training succeeds'), activate,
        h('p', { class: 'hint', id: 'cfg-activate-hint' }, '"If better" compares macro-F1 on the held-out data with the '
          + 'active model\'s; the job shows the decision.'), fieldErrors.activate),
      checkbox('includeFeedback', 'Include stored corrections ("Wrong label?" on the Classify page)', false,
        'Added to the uploaded rows; duplicates are left out and the dataset report counts them.')),
    h('div', { class: 'actions' }, submit),
    formStatus);

  // ---- preview ----

  const previews = { data: null, validation: null };

  async function showPreview(which, input, target, errors) {
    replace(errors);
    const file = input.files && input.files[0];
    previews[which] = null;
    if (!file) {
      replace(target);
      return;
    }
    replace(target, h('p', { class: 'hint' }, 'Reading…'));
    try {
      const { text, truncated } = await readPreview(file);
      previews[which] = preview(file.name, text, { truncated });
      renderPreview(which, file, target);
    } catch (e) {
      replace(target, problemBox(new Error(`Cannot read the file: ${e.message}`)));
    }
    if (which === 'data') {
      updateColumnList();
    }
  }

  function renderPreview(which, file, target) {
    const p = previews[which];
    if (!p) {
      return;
    }
    const textColumn = inputs.textColumn.value.trim();
    const labelColumn = inputs.labelColumn.value.trim();
    const has = (c) => p.columns.some((x) => x.toLowerCase() === c.toLowerCase());
    const missing = p.columns.length ? [textColumn, labelColumn].filter((c) => c && !has(c)) : [];
    const role = (c) => (c.toLowerCase() === textColumn.toLowerCase() ? 'text'
      : c.toLowerCase() === labelColumn.toLowerCase() ? 'label' : null);
    replace(target,
      h('p', { class: 'preview-summary' },
        `${file.name} · ${formatSize(file.size)} · format `, h('strong', { class: 'detected-format' }, p.format.toUpperCase())),
      p.columns.length ? h('p', { class: 'columns' }, 'Columns: ',
        h('span', { class: 'detected-columns' }, p.columns.map((c) => h('span', {
          class: `chip${role(c) ? ` chip-${role(c)}` : ''}`,
        }, c, role(c) ? h('span', { class: 'chip-role' }, ` (${role(c)})`) : null)))) : null,
      missing.length ? h('p', { class: 'warning' },
        `No column ${missing.map((c) => `'${c}'`).join(' or ')} in this file: set the column names below.`) : null,
      p.problems.length ? h('div', { class: 'warning' }, h('p', null, 'Problems seen in the first rows:'),
        h('ul', null, p.problems.slice(0, 5).map((x) => h('li', null, x)))) : null,
      p.rows.length ? h('div', { class: 'table-wrap' },
        h('table', { class: 'data preview-table' },
          h('caption', null, `First ${p.rows.length} row${p.rows.length === 1 ? '' : 's'}`),
          h('thead', null, h('tr', null, p.columns.map((c) => h('th', { scope: 'col', class: role(c) ? `col-${role(c)}` : null }, c)))),
          h('tbody', null, p.rows.map((r) => h('tr', null, p.columns.map((_, i) => h('td', null, clip(r[i] ?? '')))))))) : null);
  }

  function updateColumnList() {
    const cols = previews.data ? previews.data.columns : [];
    replace(columnsList, cols.map((c) => h('option', { value: c })));
  }

  dataInput.addEventListener('change', () => showPreview('data', dataInput, dataPreview, dataErrors));
  validationInput.addEventListener('change', () => showPreview('validation', validationInput, validationPreview, validationErrors));
  for (const name of ['textColumn', 'labelColumn']) {
    inputs[name].addEventListener('input', () => {
      if (dataInput.files[0]) {
        renderPreview('data', dataInput.files[0], dataPreview);
      }
      if (validationInput.files[0]) {
        renderPreview('validation', validationInput.files[0], validationPreview);
      }
    });
  }

  // ---- submit ----

  function clearErrors() {
    replace(dataErrors);
    replace(validationErrors);
    replace(formStatus);
    for (const [name, el] of Object.entries(fieldErrors)) {
      replace(el);
      inputs[name].removeAttribute('aria-invalid');
    }
  }

  function config() {
    const c = {};
    for (const [name, input] of Object.entries(inputs)) {
      if (input.type === 'checkbox') {
        if (input.checked) {
          c[name] = true;
        }
        continue;
      }
      if (name === 'activate') {
        c.activate = input.value === 'if-better' ? 'if-better' : input.value === 'true';
        continue;
      }
      const raw = input.value.trim();
      if (raw === '') {
        continue;
      }
      if (input.type === 'number') {
        c[name] = INTEGER_FIELDS.has(name) ? parseInt(raw, 10) : Number(raw);
      } else {
        c[name] = raw;
      }
    }
    return c;
  }

  function remember() {
    for (const [name, input] of Object.entries(inputs)) {
      remembered[name] = input.type === 'checkbox' ? input.checked : input.value;
    }
  }

  // A value the browser refuses inside the closed "More settings" could not be shown: open it first.
  form.addEventListener('invalid', (event) => {
    const section = event.target.closest('details');
    if (section) {
      section.open = true;
    }
  }, true);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors();
    const file = dataInput.files && dataInput.files[0];
    if (!file) {
      replace(dataErrors, problemBox(new Error('Choose a training file.')));
      dataInput.focus();
      return;
    }
    const body = new FormData();
    body.append('data', file, file.name);
    const validation = validationInput.files && validationInput.files[0];
    if (validation) {
      body.append('validation', validation, validation.name);
    }
    body.append('config', JSON.stringify(config()));
    submit.disabled = true;
    replace(formStatus, h('p', { class: 'hint' }, 'Uploading and checking the file…'));
    try {
      const job = await api.startJob(body);
      remember();
      ctx.refreshStatus();
      ctx.navigate(`#/jobs/${encodeURIComponent(job.id)}`);
    } catch (e) {
      replace(formStatus);
      showSubmitError(e);
    } finally {
      submit.disabled = false;
    }
  });

  function showSubmitError(e) {
    const part = e instanceof ApiError && e.problem.part === 'validation' ? 'validation' : 'data';
    const target = part === 'validation' ? validationErrors : dataErrors;
    replace(target, problemBox(e));
    let firstInvalid = null;
    for (const err of e instanceof ApiError ? e.errors : []) {
      if (typeof err !== 'object' || !err.field) {
        continue;
      }
      const name = err.field.replace(/^config\./, '');
      if (inputs[name]) {
        inputs[name].setAttribute('aria-invalid', 'true');
        fieldErrors[name].append(h('span', null, err.message));
        if (!firstInvalid) {
          firstInvalid = inputs[name];
        }
        if (inputs[name].closest('details')) {
          inputs[name].closest('details').open = true;
        }
      }
    }
    // The problem is announced (role=alert); the file field stays in view so the user sees where.
    target.scrollIntoView({ block: 'nearest' });
    if (firstInvalid) {
      firstInvalid.focus({ preventScroll: true });
    }
  }

  replace(view,
    h('h1', null, 'Train'),
    h('p', { class: 'lead' }, 'Upload labelled text; the service checks the file, queues a job and trains a new model version.'),
    form);

  return remember;
}

function clip(text) {
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}
