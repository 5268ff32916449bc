// The field forms: a progress report with camera photos and the device's location, and a
// counter letter request drafted offline. Each saves a record into the generic queue.
import { getMeta, saveRecordWithBlobs } from "./db.js";
import { enqueue, newKey, registerKind } from "./queue.js";
import { sha256Hex } from "./upload.js";

export function msg(name, params = {}) {
  const text = document.getElementById("messages").dataset[name] || name;
  return text.replace(/%\((\w+)\)s/g, (_, key) => String(params[key] ?? "")).replace("%%", "%");
}

function maskNik(nik) {
  return nik.length === 16 ? `${nik.slice(0, 4)}••••••••${nik.slice(12)}` : "••••";
}

registerKind("progress_report", {
  title: (record) => msg("report_title", { stage: record.payload.stage, project: record.label }),
});
registerKind("letter_request", {
  title: (record) => msg("letter_title", { type: record.label, nik: maskNik(record.payload.nik) }),
  edit: (record) => editLetter(record),
});

function localDate(date = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function showError(id, text) {
  const el = document.getElementById(id);
  el.textContent = text || "";
  el.hidden = !text;
}

function option(value, label) {
  const el = document.createElement("option");
  el.value = value;
  el.textContent = label;
  return el;
}

// --- progress report -------------------------------------------------------------------------

let devicePosition = null;

export function fillReportForm(bootstrap) {
  const select = document.getElementById("rf-project");
  const chosen = select.value;
  const options = document.createDocumentFragment();
  options.append(select.options[0] || option("", ""));
  for (const project of bootstrap.projects || []) {
    options.append(option(String(project.id), `${project.title} — ${project.village_name}`));
  }
  select.replaceChildren(options);
  select.value = chosen;
  fillStages(bootstrap);
  const date = document.getElementById("rf-date");
  if (!date.value) date.value = localDate();
  date.max = localDate();
}

function fillStages(bootstrap) {
  const select = document.getElementById("rf-stage");
  const project = (bootstrap.projects || []).find(
    (p) => String(p.id) === document.getElementById("rf-project").value,
  );
  const reported = new Set(project ? project.reported_stages : []);
  const chosen = select.value;
  select.replaceChildren(
    ...(bootstrap.stages || [0, 50, 100]).map((stage) =>
      option(String(stage), reported.has(stage) ? `${stage} % (${msg("reported")})` : `${stage} %`),
    ),
  );
  if (chosen) select.value = chosen;
}

function locate() {
  const out = document.getElementById("rf-location");
  if (!navigator.geolocation) {
    out.textContent = msg("no_location");
    return;
  }
  navigator.geolocation.getCurrentPosition(
    (pos) => {
      devicePosition = {
        lat: pos.coords.latitude,
        lng: pos.coords.longitude,
        accuracy_m: Math.round(pos.coords.accuracy * 10) / 10,
        at: new Date(pos.timestamp).toISOString(),
      };
      out.textContent = msg("located", {
        lat: devicePosition.lat.toFixed(6),
        lng: devicePosition.lng.toFixed(6),
        acc: devicePosition.accuracy_m,
        time: new Date(pos.timestamp).toLocaleTimeString(),
      });
    },
    () => {
      devicePosition = null;
      out.textContent = msg("no_location");
    },
    { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 },
  );
}

async function saveReport(event) {
  event.preventDefault();
  const bootstrap = (await getMeta("bootstrap")) || {};
  const projectId = Number(document.getElementById("rf-project").value);
  const date = document.getElementById("rf-date").value;
  if (!projectId) return showError("rf-error", msg("need_project"));
  if (!date || date > localDate()) return showError("rf-error", msg("need_date"));
  const files = Array.from(document.getElementById("rf-photos").files || []);
  const limit = bootstrap.max_photo_bytes || 20 * 1024 * 1024;
  if (files.some((f) => f.size > limit)) return showError("rf-error", msg("too_large"));
  showError("rf-error", "");
  // The hash is computed here, from the bytes as stored: the server refuses any other bytes.
  const photos = [];
  for (const file of files) {
    photos.push({
      sha256: await sha256Hex(file),
      size: file.size,
      name: file.name,
      type: file.type === "image/png" ? "image/png" : "image/jpeg",
      captured_at: new Date(file.lastModified || Date.now()).toISOString(),
    });
  }
  const project = (bootstrap.projects || []).find((p) => p.id === projectId);
  const record = {
    key: newKey(),
    kind: "progress_report",
    label: project ? project.title : `#${projectId}`,
    status: "waiting",
    createdAt: new Date().toISOString(),
    payload: {
      project: projectId,
      stage: Number(document.getElementById("rf-stage").value),
      reported_on: date,
      note: document.getElementById("rf-note").value.trim(),
      captured_at: new Date().toISOString(),
      location: devicePosition,
      photos,
    },
    photos: photos.map((p) => ({ stored: false, offset: 0, size: p.size })),
  };
  // The File objects are copied into IndexedDB as blobs, byte for byte (EXIF included).
  await saveRecordWithBlobs(record, files);
  event.target.reset();
  devicePosition = null;
  document.getElementById("rf-location").textContent = "";
  fillReportForm(bootstrap);
  window.location.hash = "#queue";
  await enqueue(record);
}

// --- counter letter request ------------------------------------------------------------------

function letterTypes(bootstrap) {
  return bootstrap.letter_types || [];
}

export function fillLetterForm(bootstrap) {
  const select = document.getElementById("lf-type");
  const chosen = select.value;
  select.replaceChildren(select.options[0] || option("", ""));
  for (const type of letterTypes(bootstrap)) select.append(option(type.code, type.title));
  select.value = chosen;
  // A fresh bootstrap (the link came back) must not wipe what the user is typing or correcting.
  const typed = {};
  for (const input of document.querySelectorAll("#lf-fields [data-field]")) {
    if (input.value) typed[input.dataset.field] = input.value;
  }
  renderLetterFields(bootstrap, select.value === chosen ? typed : {});
}

function renderLetterFields(bootstrap, values) {
  const type = letterTypes(bootstrap).find((t) => t.code === document.getElementById("lf-type").value);
  const box = document.getElementById("lf-fields");
  box.replaceChildren();
  for (const field of type ? type.fields : []) {
    const wrap = document.createElement("div");
    const label = document.createElement("label");
    const id = `lf-field-${field.key}`;
    label.htmlFor = id;
    label.textContent = field.label;
    let input;
    if (field.kind === "textarea") {
      input = document.createElement("textarea");
      input.rows = 2;
    } else if (field.kind === "choice" && field.choices) {
      input = document.createElement("select");
      input.append(option("", ""), ...field.choices.map((c) => option(c, c)));
    } else {
      input = document.createElement("input");
      input.type = { date: "date", number: "number" }[field.kind] || "text";
    }
    input.id = id;
    input.name = field.key;
    input.dataset.field = field.key;
    input.required = Boolean(field.required);
    input.value = values[field.key] || "";
    wrap.append(label, input);
    box.append(wrap);
  }
}

async function saveLetter(event) {
  event.preventDefault();
  const bootstrap = (await getMeta("bootstrap")) || {};
  const type = letterTypes(bootstrap).find((t) => t.code === document.getElementById("lf-type").value);
  const nik = document.getElementById("lf-nik").value.trim();
  if (!type) return showError("lf-error", msg("need_type"));
  if (!/^\d{16}$/.test(nik)) return showError("lf-error", msg("need_nik"));
  const values = {};
  for (const input of document.querySelectorAll("#lf-fields [data-field]")) {
    if (input.required && !input.value.trim()) {
      input.focus();
      return showError("lf-error", `${input.labels[0].textContent}: ${msg("need_field")}`);
    }
    if (input.value.trim()) values[input.dataset.field] = input.value.trim();
  }
  showError("lf-error", "");
  const keyInput = document.getElementById("lf-key");
  const record = {
    key: keyInput.value || newKey(), // a corrected draft keeps its key (the server never had it)
    kind: "letter_request",
    label: type.title,
    status: "waiting",
    createdAt: new Date().toISOString(),
    payload: {
      type: type.code,
      nik,
      values,
      submit: document.getElementById("lf-submit").checked,
      captured_at: new Date().toISOString(),
    },
    photos: [],
  };
  await saveRecordWithBlobs(record, []);
  event.target.reset();
  keyInput.value = "";
  renderLetterFields(bootstrap, {});
  window.location.hash = "#queue";
  await enqueue(record);
}

export async function editLetter(record) {
  // The draft's own inputs are filled at once, before any await: a correction typed the moment
  // the form opens must not be overwritten by the draft arriving later.
  document.getElementById("lf-key").value = record.key;
  document.getElementById("lf-type").value = record.payload.type;
  document.getElementById("lf-nik").value = record.payload.nik;
  document.getElementById("lf-submit").checked = record.payload.submit;
  renderLetterFields((await getMeta("bootstrap")) || {}, record.payload.values || {});
  window.location.hash = "#letter";
  document.getElementById("lf-nik").focus();
}

export function wireForms() {
  document.getElementById("report-form").addEventListener("submit", saveReport);
  document.getElementById("rf-locate").addEventListener("click", locate);
  document.getElementById("rf-project").addEventListener("change", async () => {
    fillStages((await getMeta("bootstrap")) || {});
  });
  document.getElementById("letter-form").addEventListener("submit", saveLetter);
  document.getElementById("lf-type").addEventListener("change", async () => {
    renderLetterFields((await getMeta("bootstrap")) || {}, {});
  });
}
