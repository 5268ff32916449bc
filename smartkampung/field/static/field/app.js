// The field app: registers the service worker, keeps the offline bootstrap fresh, shows the
// queue (waiting / sent / needs attention) and sends by itself whenever the link returns.
import { deleteRecord, allRecords, getMeta, setMeta } from "./db.js";
import { fillLetterForm, fillReportForm, msg, wireForms } from "./forms.js";
import { fillVisitForm, wireVisitForm } from "./posyandu.js";
import { API_BASE, auth, flush, kindOf, onChange, resolve, summary } from "./queue.js";
import { makeApi } from "./upload.js";

const RETRY_MS = 5000;

function setNet() {
  const el = document.getElementById("net");
  const online = navigator.onLine;
  el.dataset.state = online ? "online" : "offline";
  el.textContent = online ? msg("online") : msg("offline");
}

async function refreshBootstrap() {
  const token = await getMeta("token");
  if (!token || !navigator.onLine) return;
  try {
    const answer = await makeApi(API_BASE, token).get("/bootstrap");
    await setMeta("bootstrap", answer.data);
    auth.revoked = false;
  } catch (error) {
    if (error.status === 401) auth.revoked = true;
  }
  await renderForms();
}

async function renderForms() {
  const bootstrap = (await getMeta("bootstrap")) || {};
  fillReportForm(bootstrap);
  fillLetterForm(bootstrap);
  fillVisitForm(bootstrap);
  const who = document.getElementById("who");
  who.hidden = !bootstrap.user;
  who.textContent = bootstrap.user ? msg("who", { name: bootstrap.user }) : "";
}

function actionButton(record, action) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = action === "discard" ? "small secondary" : "small";
  button.dataset.action = action;
  button.textContent = msg(action);
  button.addEventListener("click", async () => {
    if (action === "discard") {
      if (!window.confirm(msg("confirm_discard"))) return;
      await deleteRecord(record);
      await renderQueue();
    } else if (action === "edit") {
      await kindOf(record).edit(record);
    } else if (action === "retry") {
      await resolve(record, record.resolution || "");
    } else {
      await resolve(record, action);
    }
  });
  return button;
}

function detailOf(record) {
  const parts = [];
  const made = record.payload.captured_at || record.createdAt;
  parts.push(`${msg("captured")} ${new Date(made).toLocaleString()}`);
  if (record.sentAt) parts.push(`${msg("sent_at")} ${new Date(record.sentAt).toLocaleString()}`);
  const photos = record.photos || [];
  if (photos.length) {
    const stored = photos.filter((p) => p.stored).length;
    let text = `${photos.length} ${msg("photos")}, ${stored} ${msg("uploaded")}`;
    const moving = photos.find((p) => !p.stored && p.offset);
    if (moving && record.status !== "sent") {
      text += ` (${Math.floor((100 * moving.offset) / moving.size)} %)`;
    }
    parts.push(text);
  }
  const extra = kindOf(record).detail ? kindOf(record).detail(record) : "";
  if (extra) parts.push(extra);
  return parts.join(" · ");
}

let rendering = false;
let again = false;

async function renderQueue() {
  if (rendering) {
    again = true;
    return;
  }
  rendering = true;
  try {
    const list = document.getElementById("queue-list");
    const template = document.getElementById("tpl-item");
    const records = await allRecords();
    const items = records.map((record) => {
      const item = template.content.firstElementChild.cloneNode(true);
      item.dataset.key = record.key;
      item.dataset.kind = record.kind;
      const status = record.status === "sending" ? "waiting" : record.status;
      item.dataset.status = status;
      item.querySelector(".q-title").textContent = kindOf(record).title(record);
      const badge = item.querySelector(".q-status");
      badge.textContent = record.status === "sending" ? msg("sending") : msg(status);
      badge.dataset.status = status;
      item.querySelector(".q-detail").textContent = detailOf(record);
      const problem = item.querySelector(".q-problem");
      const actions = item.querySelector(".q-actions");
      if (record.status === "attention" && record.problem) {
        problem.textContent = record.problem.message;
        const allowed = record.problem.actions.filter(
          (a) => a !== "edit" || kindOf(record).edit,
        );
        for (const action of allowed.length ? allowed : ["discard"]) {
          actions.append(actionButton(record, action));
        }
      } else {
        problem.remove();
      }
      return item;
    });
    list.replaceChildren(...items);
    const counts = summary(records);
    document.getElementById("queue-summary").textContent = records.length
      ? msg("summary", counts)
      : msg("empty");
    document.getElementById("connect-needed").hidden = !auth.revoked;
  } finally {
    rendering = false;
    if (again) {
      again = false;
      renderQueue();
    }
  }
}

async function start() {
  performance.mark("sk-modules-loaded");
  setNet();
  wireForms();
  wireVisitForm();
  onChange(renderQueue);
  window.addEventListener("online", () => {
    setNet();
    refreshBootstrap();
    flush();
  });
  window.addEventListener("offline", setNet);
  document.getElementById("send-now").addEventListener("click", () => flush());
  if ("serviceWorker" in navigator) {
    const { sw, scope } = document.body.dataset;
    navigator.serviceWorker.register(sw, { scope }).catch(() => {});
  }
  if (!(await getMeta("token"))) auth.revoked = true;
  await renderForms();
  performance.mark("sk-forms-rendered");
  await renderQueue();
  performance.mark("sk-queue-rendered");
  // Time from the start of navigation to a usable app (the offline-start benchmark reads it).
  document.body.dataset.readyMs = String(Math.round(performance.now()));
  document.body.dataset.ready = "true";
  refreshBootstrap();
  flush();
  // Also retry on a timer: "online" is not fired for every link that comes back.
  setInterval(async () => {
    setNet();
    const waiting = (await allRecords()).some((r) => r.status === "waiting" || r.status === "sending");
    if (waiting && navigator.onLine) flush();
  }, RETRY_MS);
}

start();
