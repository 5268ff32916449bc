// The generic offline queue. Every record (progress report, counter letter request, posyandu
// visit) has a key chosen here once, a kind, a payload and optional photo blobs; it is
// kept in IndexedDB until the server has it, and resent with the same key until then, so the
// server never makes it twice. Kinds only say how a record is titled, shown and corrected (see
// forms.js, posyandu.js).
import { allRecords, deleteBlobs, getBlob, getMeta, putRecord } from "./db.js";
import { ApiError, makeApi, uploadPhoto } from "./upload.js";

export const API_BASE = "/api/v1/field";

const kinds = new Map();
const listeners = new Set();

export function registerKind(kind, spec) {
  kinds.set(kind, spec);
}

export function kindOf(record) {
  return kinds.get(record.kind) || { title: () => record.kind };
}

export function onChange(listener) {
  listeners.add(listener);
}

function changed() {
  for (const listener of listeners) listener();
}

export function newKey() {
  return crypto.randomUUID();
}

export async function enqueue(record) {
  changed();
  flush();
  return record;
}

async function update(record, fields) {
  Object.assign(record, fields);
  await putRecord(record);
  changed();
}

export const auth = { revoked: false };

let flushing = null;
let flushAgain = false;

// One pass at a time; a record saved while a pass runs gets another pass right after it (the
// running pass may have read the queue before the record was there).
export function flush() {
  if (flushing) {
    flushAgain = true;
    return flushing;
  }
  flushing = flushAll().finally(() => {
    flushing = null;
    if (flushAgain) {
      flushAgain = false;
      flush();
    }
  });
  return flushing;
}

async function flushAll() {
  const token = await getMeta("token");
  if (!token) {
    auth.revoked = true;
    changed();
    return;
  }
  const api = makeApi(API_BASE, token);
  const bootstrap = (await getMeta("bootstrap")) || {};
  const chunkBytes = bootstrap.chunk_bytes || 256 * 1024;
  for (const record of await allRecords()) {
    if (record.status !== "waiting" && record.status !== "sending") continue;
    const ok = await sendOne(api, record, chunkBytes);
    if (!ok) break; // offline or the device was revoked: try again later
  }
}

// Returns false when sending should stop for now (no connection, device not accepted).
async function sendOne(api, record, chunkBytes) {
  await update(record, { status: "sending", problem: null });
  try {
    if (!record.accepted) {
      const sentAt = new Date().toISOString();
      const answer = await api.post("/records", {
        key: record.key,
        kind: record.kind,
        payload: record.payload,
        sent_at: sentAt,
        resolution: record.resolution || "",
      });
      await update(record, { accepted: true, sentAt, server: answer.data });
    }
    const photos = record.photos || [];
    for (let index = 0; index < photos.length; index += 1) {
      if (photos[index].stored) continue;
      const blob = await getBlob(record.key, index);
      let done = null;
      for (let attempt = 0; attempt < 2 && !done; attempt += 1) {
        try {
          done = await uploadPhoto(api, record.key, index, blob, chunkBytes, (offset, size) => {
            photos[index].offset = offset;
            photos[index].size = size;
            changed();
          });
        } catch (error) {
          // A photo that arrived damaged is sent once more from the start.
          if (!(error instanceof ApiError && error.body.code === "sha256_mismatch" && attempt === 0)) {
            throw error;
          }
        }
      }
      photos[index].stored = true;
      await update(record, { photos });
    }
    await update(record, { status: "sent", sentDoneAt: new Date().toISOString() });
    await deleteBlobs(record); // the server has them; free the phone's storage
    return true;
  } catch (error) {
    if (!(error instanceof ApiError) || error.status >= 500 || error.status === 429) {
      await update(record, { status: "waiting" }); // no connection: stays queued
      return false;
    }
    if (error.status === 401) {
      auth.revoked = true;
      await update(record, { status: "waiting" });
      return false;
    }
    const details = error.body.details || {};
    const actions = Array.isArray(details.actions) ? details.actions : ["discard"];
    await update(record, {
      status: "attention",
      problem: { code: error.body.code, message: error.body.message, actions, details },
    });
    return true;
  }
}

export async function resolve(record, resolution) {
  await update(record, { status: "waiting", resolution, problem: null });
  return flush();
}

export function summary(records) {
  const counts = { waiting: 0, attention: 0, sent: 0 };
  for (const record of records) {
    if (record.status === "sent") counts.sent += 1;
    else if (record.status === "attention") counts.attention += 1;
    else counts.waiting += 1;
  }
  return counts;
}
