// The device's own storage (IndexedDB through the vendored idb): the device token, the
// offline bootstrap (projects, letter types), the queued records and their photo blobs.
import { openDB } from "../vendor/idb/idb.js";

const DB_NAME = "sk-field";
const DB_VERSION = 1;

let dbPromise = null;

export function db() {
  if (!dbPromise) {
    dbPromise = openDB(DB_NAME, DB_VERSION, {
      upgrade(database) {
        database.createObjectStore("meta");
        const records = database.createObjectStore("records", { keyPath: "key" });
        records.createIndex("status", "status");
        database.createObjectStore("blobs");
      },
    });
  }
  return dbPromise;
}

// Opened as the module loads, while the other modules are still being fetched.
db();

export async function getMeta(name) {
  return (await db()).get("meta", name);
}

export async function setMeta(name, value) {
  return (await db()).put("meta", value, name);
}

export async function deleteMeta(name) {
  return (await db()).delete("meta", name);
}

export async function allRecords() {
  const rows = await (await db()).getAll("records");
  return rows.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
}

export async function getRecord(key) {
  return (await db()).get("records", key);
}

export async function putRecord(record) {
  return (await db()).put("records", record);
}

// A record and its photos are written in one transaction: both are kept, or neither.
export async function saveRecordWithBlobs(record, blobs) {
  const tx = (await db()).transaction(["records", "blobs"], "readwrite");
  await Promise.all([
    tx.objectStore("records").put(record),
    ...blobs.map((blob, index) => tx.objectStore("blobs").put(blob, `${record.key}/${index}`)),
    tx.done,
  ]);
}

export async function getBlob(key, index) {
  return (await db()).get("blobs", `${key}/${index}`);
}

export async function deleteRecord(record) {
  const tx = (await db()).transaction(["records", "blobs"], "readwrite");
  const photos = (record.photos || []).map((_, index) =>
    tx.objectStore("blobs").delete(`${record.key}/${index}`),
  );
  await Promise.all([tx.objectStore("records").delete(record.key), ...photos, tx.done]);
}

export async function deleteBlobs(record) {
  const tx = (await db()).transaction("blobs", "readwrite");
  await Promise.all([
    ...(record.photos || []).map((_, index) => tx.store.delete(`${record.key}/${index}`)),
    tx.done,
  ]);
}
