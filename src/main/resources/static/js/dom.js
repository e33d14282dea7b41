// Small DOM helpers. Text from the service always goes in as text nodes, never as HTML.

/**
 * Creates an element: h('p', {class: 'x', onclick: fn}, 'text', child, [more, children]).
 * Attributes whose value is null, undefined or false are left out; true gives an empty attribute.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) {
        continue;
      }
      if (name.startsWith('on') && typeof value === 'function') {
        el.addEventListener(name.slice(2).toLowerCase(), value);
      } else if (name === 'dataset') {
        Object.assign(el.dataset, value);
      } else if (name === 'style' && typeof value === 'object') {
        for (const [prop, v] of Object.entries(value)) {
          if (prop.startsWith('--')) {
            el.style.setProperty(prop, v);
          } else {
            el.style[prop] = v;
          }
        }
      } else if (name in el && typeof value !== 'string' && name !== 'list') {
        el[name] = value;
      } else {
        el.setAttribute(name, value === true ? '' : String(value));
      }
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    if (Array.isArray(child)) {
      append(el, child);
    } else if (child instanceof Node) {
      el.appendChild(child);
    } else {
      el.appendChild(document.createTextNode(String(child)));
    }
  }
}

/** Replaces every child of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

const numberFormats = new Map();

/** A number with a fixed count of decimals, or an en dash when there is none. */
export function num(value, decimals = 3) {
  if (value === null || value === undefined || Number.isNaN(value)) {
    return '–';
  }
  let f = numberFormats.get(decimals);
  if (!f) {
    f = new Intl.NumberFormat(undefined, { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    numberFormats.set(decimals, f);
  }
  return f.format(value);
}

/** A share (0–1) as a percentage. */
export function pct(value, decimals = 1) {
  return value === null || value === undefined ? '–' : `${num(value * 100, decimals)} %`;
}

export function dateTime(iso) {
  if (!iso) {
    return '–';
  }
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** A file's size in bytes, KiB or MiB. */
export function formatSize(bytes) {
  if (bytes < 1024) {
    return `${bytes} bytes`;
  }
  if (bytes < 1024 * 1024) {
    return `${(bytes / 1024).toFixed(1)} KiB`;
  }
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Seconds as "1 h 02 min", "3 min 05 s" or "42 s". */
export function duration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) {
    return '–';
  }
  const s = Math.max(0, Math.round(seconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (hours) {
    return `${hours} h ${String(minutes).padStart(2, '0')} min`;
  }
  if (minutes) {
    return `${minutes} min ${String(rest).padStart(2, '0')} s`;
  }
  return `${rest} s`;
}

/** A problem box for an error (ApiError or any Error); `extra` nodes come after the detail. */
export function problemBox(error, ...extra) {
  const problem = error && error.problem ? error.problem : { title: 'Error', detail: error ? error.message : '' };
  const items = Array.isArray(problem.errors) ? problem.errors : [];
  return h('div', { class: 'problem', role: 'alert' },
    h('p', { class: 'problem-title' }, problem.title || 'Error',
      problem.status ? h('span', { class: 'problem-status' }, ` (${problem.status})`) : null),
    problem.detail && !(items.length && items.every((e) => problem.detail.includes(errorText(e))))
      ? h('p', { class: 'problem-detail' }, problem.detail) : null,
    items.length ? h('ul', { class: 'problem-errors' }, items.map((e) => h('li', null, errorText(e)))) : null,
    extra);
}

/**
 * One entry of a problem's `errors`: {field, message} (a request field, 400) or {part, line, message} (a row of an
 * uploaded file, 422; no line for a problem of the whole file), written as the problem's detail writes it.
 */
export function errorText(e) {
  if (typeof e !== 'object' || e === null) {
    return String(e);
  }
  if (e.field) {
    return `${e.field}: ${e.message}`;
  }
  return e.line ? `line ${e.line}: ${e.message}` : String(e.message);
}

/** A definition list from [term, value] pairs; values may be nodes. */
export function facts(pairs, attrs) {
  return h('dl', { class: 'facts', ...attrs }, pairs.filter(Boolean).map(([term, value]) => [
    h('dt', null, term), h('dd', null, value),
  ]));
}

/** The badge of a job state or model status, with the state in words. */
export function stateBadge(state) {
  return h('span', { class: `badge state-${String(state).toLowerCase()}` }, state);
}

/**
 * Marks a data table to be shown as one card per row on narrow screens: every body cell is labelled with its
 * column's heading (CSS shows it above the value there).
 */
export function stackable(table) {
  table.classList.add('stack');
  const headings = [...table.querySelectorAll('thead th')].map((th) =>
    (th.querySelector('.visually-hidden') ? '' : th.textContent.trim()));
  for (const row of table.querySelectorAll('tbody tr')) {
    [...row.children].forEach((cell, i) => {
      if (headings[i]) {
        cell.dataset.label = headings[i];
      }
    });
  }
  return table;
}
