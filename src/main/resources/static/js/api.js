// The service's HTTP API, with the API key handling: when a call answers 401 the user is asked for the key
// (once; every later request sends it as X-API-Key), it is kept in sessionStorage and the call is retried.

const BASE = 'api/v1';
const KEY_STORAGE = 'sentiment.apiKey';

/** An answer that is not 2xx; `problem` is the application/problem+json body (or a stand-in for it). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  /** `errors` of the problem: {field, message} (request fields) or {part, line, message} (rows of a file). */
  get errors() {
    return Array.isArray(this.problem.errors) ? this.problem.errors : [];
  }
}

export function storedApiKey() {
  try {
    return sessionStorage.getItem(KEY_STORAGE) || '';
  } catch {
    return '';
  }
}

export function storeApiKey(key) {
  try {
    if (key) {
      sessionStorage.setItem(KEY_STORAGE, key);
    } else {
      sessionStorage.removeItem(KEY_STORAGE);
    }
  } catch {
    // storage disabled: the key lives as long as nothing asks again
  }
}

let keyPrompt = null; // (reason) => Promise<string|null>, set by the app
let pendingPrompt = null; // one dialog for all calls that answered 401 at the same time

/** The app registers how to ask for a key; the function resolves to the key, or null when the user declines. */
export function onApiKeyNeeded(prompt) {
  keyPrompt = prompt;
}

function askForKey(reason) {
  if (!keyPrompt) {
    return Promise.resolve(null);
  }
  if (!pendingPrompt) {
    pendingPrompt = Promise.resolve(keyPrompt(reason)).finally(() => {
      pendingPrompt = null;
    });
  }
  return pendingPrompt;
}

/**
 * One call. `body` is sent as JSON unless it is FormData. Resolves to the parsed JSON (or null for 204),
 * rejects with ApiError. A 401 asks for the API key and retries, up to three times.
 */
export async function request(method, path, { body, signal } = {}) {
  const response = await send(method, path, { body, signal });
  if (response.status === 204) {
    return null;
  }
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

/**
 * Saves what a GET answers as a file named `filename`, through the same key handling as every call: a plain
 * link could not send the X-API-Key header, and results of classification jobs need it when keys are set.
 */
export async function download(path, filename) {
  // any type: results are CSV or JSON Lines, and a problem is still application/problem+json
  const response = await send('GET', path, { accept: '*/*' });
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  // the browser has taken the file once the click has been handled
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The response of a 2xx call, after asking for the key on 401; rejects with ApiError otherwise. */
async function send(method, path, { body, signal, accept = 'application/json, application/problem+json' }) {
  for (let attempt = 0; ; attempt++) {
    const sentKey = storedApiKey();
    const headers = { Accept: accept };
    let payload;
    if (body instanceof FormData) {
      payload = body;
    } else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    if (sentKey) {
      headers['X-API-Key'] = sentKey;
    }
    let response;
    try {
      response = await fetch(`${BASE}${path}`, { method, headers, body: payload, signal });
    } catch (e) {
      if (e.name === 'AbortError') {
        throw e;
      }
      throw new ApiError(0, {
        title: 'Service unreachable',
        detail: 'The service did not answer. Is it running?',
      });
    }
    if (response.status === 401 && attempt < 3) {
      const problem = await readBody(response);
      // Another call may have stored a key meanwhile: then retry with that one before asking.
      if (storedApiKey() && storedApiKey() !== sentKey) {
        continue;
      }
      const key = await askForKey(problem.detail || 'This call needs an API key.');
      if (key) {
        storeApiKey(key);
        continue;
      }
      throw new ApiError(401, problem);
    }
    if (!response.ok) {
      throw new ApiError(response.status, await readBody(response));
    }
    return response;
  }
}

async function readBody(response) {
  const text = await response.text().catch(() => '');
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed === 'object') {
      return parsed;
    }
  } catch {
    // not JSON
  }
  return { status: response.status, title: response.statusText || `HTTP ${response.status}`, detail: text.slice(0, 300) || undefined };
}

function classifyBody(body, modelId, { explain, minConfidence }) {
  return {
    ...body,
    ...(modelId ? { modelId } : {}),
    ...(explain ? { explain: true } : {}),
    ...(minConfidence !== undefined && minConfidence !== null ? { minConfidence } : {}),
  };
}

export const api = {
  status: (opts) => request('GET', '/status', opts),
  // options: { explain: true, minConfidence: 0.7 }; unset ones are left out
  classify: (text, modelId, options = {}) => request('POST', '/classify', { body: classifyBody({ text }, modelId, options) }),
  classifyBatch: (texts, modelId, options = {}) =>
    request('POST', '/classify/batch', { body: classifyBody({ texts }, modelId, options) }),
  sendFeedback: (correction) => request('POST', '/feedback', { body: correction }),
  feedback: (page = 0, size = 20) => request('GET', `/feedback?page=${page}&size=${size}`),
  modelSettings: (id, settings) => request('PUT', `/models/${encodeURIComponent(id)}/settings`, { body: settings }),
  // the newest 200 jobs (the list is paged like the corrections)
  jobs: (opts) => request('GET', '/training-jobs?size=200', opts).then((page) => page.items),
  job: (id, opts) => request('GET', `/training-jobs/${encodeURIComponent(id)}`, opts),
  startJob: (formData) => request('POST', '/training-jobs', { body: formData }),
  cancelJob: (id) => request('POST', `/training-jobs/${encodeURIComponent(id)}/cancel`),
  // classification jobs: a whole file classified in the background (the newest 200)
  classificationJobs: (opts) => request('GET', '/classification-jobs?size=200', opts).then((page) => page.items),
  startClassificationJob: (formData) => request('POST', '/classification-jobs', { body: formData }),
  cancelClassificationJob: (id) => request('POST', `/classification-jobs/${encodeURIComponent(id)}/cancel`),
  downloadClassificationResults: (id, filename) =>
    download(`/classification-jobs/${encodeURIComponent(id)}/results`, filename),
  models: (opts) => request('GET', '/models', opts),
  model: (id, opts) => request('GET', `/models/${encodeURIComponent(id)}`, opts),
  drift: (id, opts) => request('GET', `/models/${encodeURIComponent(id)}/drift`, opts),
  activate: (modelId) => request('PUT', '/models/active', { body: { modelId } }),
  deleteModel: (id) => request('DELETE', `/models/${encodeURIComponent(id)}`),
  canary: (opts) => request('GET', '/models/canary', opts),
  rollout: (opts) => request('GET', '/models/rollout', opts),
};
