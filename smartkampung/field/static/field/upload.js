// Resumable photo upload: ask the server where to continue, send raw chunks at offsets,
// complete (the server checks the SHA-256 the device computed). A dropped connection throws;
// the next attempt resumes at the server's offset.

export async function sha256Hex(blob) {
  const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

export function makeApi(base, token) {
  async function call(method, path, { json, body, headers } = {}) {
    const init = { method, headers: { Accept: "application/json", ...(headers || {}) } };
    if (token) init.headers.Authorization = `Bearer ${token}`;
    if (json !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(json);
    } else if (body !== undefined) {
      init.headers["Content-Type"] = "application/offset+octet-stream";
      init.body = body;
    }
    init.credentials = "omit"; // the device token, never the browser session
    const response = await fetch(base + path, init); // a network failure throws TypeError
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = { code: "bad_response", message: text.slice(0, 200) };
    }
    if (!response.ok) throw new ApiError(response.status, data);
    return { status: response.status, data };
  }
  return {
    get: (path) => call("GET", path),
    post: (path, json) => call("POST", path, { json: json === undefined ? {} : json }),
    patch: (path, body, headers) => call("PATCH", path, { body, headers }),
  };
}

export async function uploadPhoto(api, key, index, blob, chunkBytes, onProgress) {
  const base = `/records/${key}/photos/${index}`;
  let state = (await api.post(`${base}/upload`)).data;
  if (state.stored) return state;
  let offset = state.offset;
  onProgress(offset, blob.size);
  while (offset < blob.size) {
    const chunk = blob.slice(offset, Math.min(offset + chunkBytes, blob.size));
    try {
      const result = await api.patch(`/uploads/${state.upload_id}`, chunk, {
        "Upload-Offset": String(offset),
      });
      offset = result.data.offset;
    } catch (error) {
      // The server tells where it stands when our offset is stale (a chunk whose answer was lost).
      if (error instanceof ApiError && error.status === 409 && error.body.details?.offset !== undefined) {
        offset = error.body.details.offset;
      } else {
        throw error;
      }
    }
    onProgress(offset, blob.size);
  }
  return (await api.post(`${base}/complete`)).data;
}
