// The posyandu visit (penimbangan): a cadre weighs and measures a child of the posyandu's list
// (kept from the bootstrap), saved into the generic queue. The server's health service checks
// again; a refusal comes back as "needs attention" with "Correct it" (same key) or "Discard".
import { getMeta, saveRecordWithBlobs } from "./db.js";
import { msg } from "./forms.js";
import { enqueue, newKey, registerKind } from "./queue.js";

// The health service's plausible ranges (health/services.py); it checks them again.
const RANGES = {
  weight_kg: [0.3, 60],
  height_cm: [30, 130],
  muac_cm: [5, 35],
  head_cm: [20, 60],
};
const DAYS_PER_MONTH = 30.4375;
const $ = (id) => document.getElementById(id);
// The last bootstrap shown: the vaccine boxes follow the chosen child without an await.
let known = {};

registerKind("posyandu_visit", {
  title: (record) => msg("visit_title", { child: record.label, date: record.payload.visit_date }),
  edit: editVisit,
  detail: (record) => (record.server && record.server.result.needs_remeasure ? msg("remeasure") : ""),
});

function localDate(date = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function children(bootstrap) {
  return (bootstrap.posyandu && bootstrap.posyandu.children) || [];
}

function chosenChild(bootstrap) {
  return children(bootstrap).find((c) => String(c.id) === $("vf-child").value);
}

function ticked() {
  return [...document.querySelectorAll("#vf-vaccines input:checked")].map((el) => el.value);
}

// A box for each vaccine of the schedule the chosen child has not had yet (the server refuses
// a vaccine given twice; one ticked on a visit still waiting here is the server's to refuse).
function showVaccines(bootstrap, chosen = []) {
  const child = chosenChild(bootstrap);
  const given = new Set((child && child.given) || []);
  const vaccines = (bootstrap.posyandu && bootstrap.posyandu.vaccines) || [];
  const open = child ? vaccines.filter((v) => !given.has(v.code)) : [];
  $("vf-vaccines").replaceChildren(
    ...open.map((v) => {
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.name = "immunisations";
      box.value = v.code;
      box.checked = chosen.includes(v.code);
      label.append(box, ` ${v.label}`);
      return label;
    }),
  );
  const note = $("vf-vaccines-note");
  note.textContent = !child ? msg("vaccines_choose") : open.length ? "" : msg("vaccines_all");
  note.hidden = !note.textContent;
}

function ageDays(child, date) {
  return Math.round((Date.parse(date) - Date.parse(child.birth_date)) / 86400000);
}

export function fillVisitForm(bootstrap) {
  known = bootstrap;
  const select = $("vf-child");
  const chosen = select.value;
  const vaccines = ticked();
  const first = select.options[0];
  select.replaceChildren(first);
  for (const child of children(bootstrap)) {
    const el = document.createElement("option");
    el.value = String(child.id);
    el.textContent = `${child.name} (${child.birth_date})`;
    select.append(el);
  }
  select.value = chosen;
  showVaccines(bootstrap, vaccines);
  $("vf-posyandu").textContent = bootstrap.posyandu
    ? msg("visit_posyandu", { name: bootstrap.posyandu.name, village: bootstrap.posyandu.village_name })
    : msg("no_posyandu");
  const date = $("vf-date");
  if (!date.value) date.value = localDate();
  date.max = localDate();
}

// WHO: length lying under 2 years, height standing from 2 years (the cadre may change it).
function suggestPosition(bootstrap) {
  const child = chosenChild(bootstrap);
  const date = $("vf-date").value;
  if (!child || !date || $("vf-position").dataset.touched) return;
  $("vf-position").value = ageDays(child, date) < 731 ? "lying" : "standing";
}

function number(id) {
  const raw = $(id).value.trim().replace(",", ".");
  return raw === "" ? null : Number(raw);
}

function problem(bootstrap) {
  const child = chosenChild(bootstrap);
  const date = $("vf-date").value;
  if (!child) return ["vf-child", msg("need_child")];
  if (!date || date > localDate()) return ["vf-date", msg("need_date")];
  if (date < child.birth_date) return ["vf-date", msg("before_birth")];
  if (ageDays(child, date) / DAYS_PER_MONTH >= 60) return ["vf-date", msg("over_five")];
  for (const [field, [low, high]] of Object.entries(RANGES)) {
    const value = number(`vf-${field}`);
    if (value !== null && !(value >= low && value <= high)) {
      return [`vf-${field}`, msg("out_of_range", { low, high })];
    }
  }
  if (number("vf-weight_kg") === null && number("vf-height_cm") === null) {
    return ["vf-weight_kg", msg("need_measure")];
  }
  if (number("vf-height_cm") !== null && !$("vf-position").value) {
    return ["vf-position", msg("need_position")];
  }
  if ($("vf-breastfeeding").value && ageDays(child, date) / DAYS_PER_MONTH >= 6) {
    return ["vf-breastfeeding", msg("breastfeeding_age")];
  }
  return null;
}

function showError(text) {
  const el = $("vf-error");
  el.textContent = text || "";
  el.hidden = !text;
}

async function saveVisit(event) {
  event.preventDefault();
  const bootstrap = (await getMeta("bootstrap")) || {};
  const wrong = problem(bootstrap);
  if (wrong) {
    const input = $(wrong[0]);
    const label = input.labels && input.labels[0] ? `${input.labels[0].textContent}: ` : "";
    input.focus();
    return showError(label + wrong[1]);
  }
  showError("");
  const child = chosenChild(bootstrap);
  const breastfeeding = $("vf-breastfeeding").value;
  const height = number("vf-height_cm");
  const keyInput = $("vf-key");
  const record = {
    key: keyInput.value || newKey(), // a corrected visit keeps its key (the server never had it)
    kind: "posyandu_visit",
    label: child.name,
    status: "waiting",
    createdAt: new Date().toISOString(),
    payload: {
      posyandu: bootstrap.posyandu.id,
      child: child.id,
      visit_date: $("vf-date").value,
      weight_kg: number("vf-weight_kg"),
      height_cm: height,
      position: height === null ? "" : $("vf-position").value,
      muac_cm: number("vf-muac_cm"),
      head_cm: number("vf-head_cm"),
      vitamin_a: $("vf-vitamin_a").checked,
      immunisations: ticked(),
      exclusive_breastfeeding: breastfeeding === "" ? null : breastfeeding === "yes",
      captured_at: new Date().toISOString(),
    },
    photos: [],
  };
  await saveRecordWithBlobs(record, []);
  event.target.reset();
  keyInput.value = "";
  delete $("vf-position").dataset.touched;
  fillVisitForm(bootstrap);
  window.location.hash = "#queue";
  await enqueue(record);
}

export function editVisit(record) {
  // Filled at once, before any await (a correction typed the moment the form opens stays).
  const p = record.payload;
  const text = (v) => (v === null || v === undefined ? "" : String(v));
  $("vf-key").value = record.key;
  $("vf-child").value = String(p.child);
  $("vf-date").value = p.visit_date;
  $("vf-weight_kg").value = text(p.weight_kg);
  $("vf-height_cm").value = text(p.height_cm);
  $("vf-position").value = p.position;
  $("vf-position").dataset.touched = "1";
  $("vf-muac_cm").value = text(p.muac_cm);
  $("vf-head_cm").value = text(p.head_cm);
  $("vf-vitamin_a").checked = Boolean(p.vitamin_a);
  showVaccines(known, p.immunisations || []);
  $("vf-breastfeeding").value =
    p.exclusive_breastfeeding === null ? "" : p.exclusive_breastfeeding ? "yes" : "no";
  window.location.hash = "#visit";
  $("vf-weight_kg").focus();
}

export function wireVisitForm() {
  $("visit-form").addEventListener("submit", saveVisit);
  $("vf-position").addEventListener("change", () => {
    $("vf-position").dataset.touched = "1";
  });
  $("vf-child").addEventListener("change", () => showVaccines(known));
  for (const id of ["vf-child", "vf-date"]) {
    $(id).addEventListener("change", async () => suggestPosition((await getMeta("bootstrap")) || {}));
  }
}
