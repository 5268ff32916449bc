// Keeps the device token handed over once by the connect page, then opens the field app.
import { setMeta } from "./db.js";

const el = document.getElementById("device-token");
if (el && el.dataset.token) {
  setMeta("token", el.dataset.token)
    .then(() => setMeta("device", el.dataset.name))
    .then(() => {
      el.dataset.token = "";
      window.location.replace(el.dataset.next);
    });
}
