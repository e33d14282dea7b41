// Client-side preview of a training file: the format (as the service detects it), the columns and the first
// rows. Only the start of the file is read; the service validates the whole file when the job is submitted.

export const PREVIEW_BYTES = 256 * 1024;

/** Format from the file name, else from the content, as the service decides it. */
export function detectFormat(filename, content) {
  const name = (filename || '').toLowerCase();
  if (/\.(jsonl|ndjson|json)$/.test(name)) {
    return 'jsonl';
  }
  if (/\.(tsv|tab)$/.test(name)) {
    return 'tsv';
  }
  if (name.endsWith('.csv')) {
    return 'csv';
  }
  const trimmed = content.replace(/^\s+/, '');
  if (trimmed.startsWith('{')) {
    return 'jsonl';
  }
  const eol = trimmed.indexOf('\n');
  const header = eol < 0 ? trimmed : trimmed.slice(0, eol);
  return header.includes('\t') && !header.includes(',') ? 'tsv' : 'csv';
}

/**
 * Records of delimited text. With `quotes`, RFC 4180: fields in double quotes may hold the delimiter, line
 * breaks and doubled quotes. Stops after `maxRecords`. `complete` says whether the text ended on a record
 * boundary (a truncated preview may cut the last record).
 */
export function parseDelimited(text, delimiter, quotes, maxRecords = Infinity) {
  const records = [];
  let fields = [];
  let field = '';
  let inQuotes = false;
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const n = text.length;
  let fieldStarted = false;
  while (i < n && records.length < maxRecords) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i++;
        continue;
      }
      if (ch === '\n') {
        line++;
      }
      field += ch;
      i++;
      continue;
    }
    if (quotes && ch === '"' && !fieldStarted) {
      inQuotes = true;
      fieldStarted = true;
      i++;
      continue;
    }
    if (ch === delimiter) {
      fields.push(field);
      field = '';
      fieldStarted = false;
      i++;
      continue;
    }
    if (ch === '\r' && text[i + 1] === '\n') {
      i++;
      continue;
    }
    if (ch === '\n') {
      fields.push(field);
      records.push({ line: recordLine, fields });
      fields = [];
      field = '';
      fieldStarted = false;
      line++;
      recordLine = line;
      i++;
      continue;
    }
    field += ch;
    fieldStarted = true;
    i++;
  }
  if (records.length < maxRecords && (field !== '' || fields.length)) {
    fields.push(field);
    records.push({ line: recordLine, fields });
  }
  return { records, unclosedQuote: inQuotes };
}

/**
 * Preview of a file's text.
 * @returns {{format: string, columns: string[], rows: string[][], problems: string[], truncated: boolean}}
 */
export function preview(filename, text, { maxRows = 10, truncated = false } = {}) {
  const content = text.replace(/^\uFEFF/, '');
  const format = detectFormat(filename, content);
  const problems = [];
  if (!content.trim()) {
    return { format, columns: [], rows: [], problems: ['the file is empty'], truncated };
  }
  if (format === 'jsonl') {
    const columns = [];
    const objects = [];
    const lines = content.split('\n');
    for (let i = 0; i < lines.length && objects.length < maxRows; i++) {
      const lineText = lines[i].trim();
      if (!lineText || (truncated && i === lines.length - 1)) {
        continue;
      }
      try {
        const value = JSON.parse(lineText);
        if (!value || typeof value !== 'object' || Array.isArray(value)) {
          problems.push(`line ${i + 1}: not a JSON object`);
          continue;
        }
        for (const key of Object.keys(value)) {
          if (!columns.includes(key)) {
            columns.push(key);
          }
        }
        objects.push(value);
      } catch {
        problems.push(`line ${i + 1}: not valid JSON`);
      }
    }
    const rows = objects.map((o) => columns.map((c) => cell(o[c])));
    return { format, columns, rows, problems, truncated };
  }
  const delimiter = format === 'tsv' ? '\t' : ',';
  const { records, unclosedQuote } = parseDelimited(content, delimiter, format === 'csv', maxRows + 1);
  const nonEmpty = records.filter((r) => !(r.fields.length === 1 && r.fields[0].trim() === ''));
  if (!nonEmpty.length) {
    return { format, columns: [], rows: [], problems: ['the file has no header row'], truncated };
  }
  const columns = nonEmpty[0].fields.map((f) => f.trim());
  const rows = nonEmpty.slice(1, maxRows + 1);
  for (const r of rows) {
    if (r.fields.length !== columns.length) {
      problems.push(`line ${r.line}: expected ${columns.length} fields, found ${r.fields.length}`);
    }
  }
  if (unclosedQuote && !truncated) {
    problems.push('a quoted field is never closed');
  }
  return { format, columns, rows: rows.map((r) => r.fields), problems, truncated };
}

function cell(value) {
  if (value === null || value === undefined) {
    return '';
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Reads the start of a file as UTF-8 text for the preview. */
export async function readPreview(file) {
  const truncated = file.size > PREVIEW_BYTES;
  const text = await file.slice(0, PREVIEW_BYTES).text();
  return { text, truncated };
}
