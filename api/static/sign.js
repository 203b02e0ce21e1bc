// hoso: a browser session signs its officer's actions with a key that never leaves the browser.
// At the code step it makes an Ed25519 key pair whose private half cannot be exported (WebCrypto),
// keeps it in IndexedDB and sends the public half, which hoso certifies for the session. An action
// is prepared by hoso, checked here against what the officer chose, signed here, and sent back;
// the dossier verifies the signature as it does the CLI's. The same for the counter's supplement
// (its files go with the preparation, which stores them), withdrawal and delivery confirmation,
// and for an operator's retry and reset (its request signed first; the note it answers, next).
(() => {
  "use strict";
  const DB = "hoso", STORE = "keys", NAME = "session";

  const b64url = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)))
    .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const unb64url = (text) => {
    let s = text.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) s += "=";
    return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  };

  const open = () => new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const store = async (mode, use) => {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = use(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
    });
  };
  const keep = (key) => store("readwrite", (s) => s.put(key, NAME));
  const recall = () => store("readonly", (s) => s.get(NAME));
  const forget = () => store("readwrite", (s) => s.delete(NAME));

  async function makeKey(form) {
    try {
      const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"]);
      await keep(pair.privateKey);
      const raw = await crypto.subtle.exportKey("raw", pair.publicKey);
      form.elements.public_key.value = b64url(raw);
    } catch (error) {
      form.elements.public_key.value = "";  // no Ed25519 here: the session reads, and cannot act
    }
    form.submit();
  }

  const say = (form, text) => {
    const out = document.getElementById(form.dataset.answer);
    out.textContent = text;
    out.focus();
  };

  // What hoso prepared is what the officer chose: the same update, and for it the same action
  // and comment (and date, council), a retry's or a delivery's note, a withdrawal's reason, or a
  // supplement's files.
  function sameAsChosen(told, form, data) {
    const action = told.action || {};
    const update = form.dataset.update || "act";
    const said = (name) => String(data.get(name) || "").trim();
    // a reset: its request says the reason typed; its note, signed next, names it with the
    // point and the actions hoso found
    if (form.dataset.kind === "unstick") {
      if (told.dossier !== form.dataset.dossier) return false;
      if (told.update === "unstick") return action.reason === said("reason");
      return told.update === "retry" && String(action.note || "").includes(said("reason"));
    }
    if (told.dossier !== form.dataset.dossier || told.update !== update) return false;
    if (update === "retry" || update === "confirm_delivery") return action.note === said("note");
    if (update === "withdraw") return action.reason === said("reason");
    if (update === "supplement") {
      const files = [...data.entries()].filter(([name, value]) =>
        name.startsWith("doc-") && value instanceof File && value.name).length;
      return action.note === said("note") && (action.documents || []).length === files;
    }
    const chosen = data.get("action");
    if (action.action !== chosen || action.comment !== said("comment")) return false;
    if (chosen === "apologize") return action.new_due_date === said("new_due_date");
    if (chosen === "convene") {
      const seated = ((action.council || {}).members || []).map((m) => m.id).sort();
      const ticked = data.getAll("members").map(String).sort();
      return (action.council || {}).chair === said("chair")
        && seated.join(" ") === ticked.join(" ");
    }
    return true;
  }

  // A field's own problem is said beside it (the answer names the field), the rest below.
  function fieldSaid(form, answer) {
    form.querySelectorAll(".error[id$='-error']").forEach((p) => { p.hidden = true; });
    const field = answer.field && form.elements[answer.field];
    const beside = answer.field && document.getElementById(answer.field + "-error");
    if (!field || !beside) return false;
    beside.textContent = answer.detail;
    beside.hidden = false;
    field.setAttribute("aria-invalid", "true");
    field.focus();
    return true;
  }

  // A session past its time-out is sent to the sign-in page: nothing was done.
  function signedOut(response) {
    if (!response.redirected || new URL(response.url).pathname !== "/signin") return false;
    window.location.assign("/signin");
    return true;
  }

  async function signAndSend(form) {
    const data = new FormData(form);
    say(form, form.dataset.working);
    const prepared = await fetch(form.dataset.prepare, { method: "POST", body: data });
    if (signedOut(prepared)) return;
    const bytesOf = await prepared.json().catch(() => ({}));
    if (!prepared.ok && fieldSaid(form, bytesOf)) {
      document.getElementById(form.dataset.answer).textContent = "";
      return undefined;
    }
    if (!prepared.ok) return say(form, bytesOf.detail || form.dataset.failed);
    let answer = await signAndPost(form, data, bytesOf.message, form.getAttribute("action"));
    // a reset answers with its note to sign next, and where to send it (once, on this site)
    if (answer && answer.then && answer.message && answer.then.startsWith("/dossiers/")) {
      answer = await signAndPost(form, data, answer.message, answer.then);
    }
    if (!answer) return undefined;
    if (answer.said) return say(form, answer.said);
    window.location.reload();
  }

  // The message hoso prepared checked against the form, signed with the session's key and
  // posted to `url`: the answer, or undefined once said on the page (or signed out).
  async function signAndPost(form, data, message, url) {
    const bytes = unb64url(message);
    const told = JSON.parse(new TextDecoder().decode(bytes));
    if (!sameAsChosen(told, form, data)) return say(form, form.dataset.mismatch);
    const key = await recall().catch(() => undefined);
    if (!key) return say(form, form.dataset.nokey);
    const signature = b64url(await crypto.subtle.sign({ name: "Ed25519" }, key, bytes));
    const body = new FormData();
    body.set("csrf", data.get("csrf"));
    body.set("message", message);
    body.set("signature", signature);
    const sent = await fetch(url, { method: "POST", body });
    if (signedOut(sent)) return undefined;
    const answer = await sent.json().catch(() => ({}));
    if (!sent.ok && fieldSaid(form, answer)) {
      document.getElementById(form.dataset.answer).textContent = "";
      return undefined;
    }
    if (!sent.ok) return say(form, answer.detail || form.dataset.failed);
    return answer;
  }

  // After a single sign-on there is no field to fill: the key is made as soon as the page is read.
  const auto = () => document.querySelectorAll("form[data-session-key][data-auto]").forEach(makeKey);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", auto);
  else auto();

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.matches("form[data-session-key]")) {
      event.preventDefault();
      makeKey(form);
    } else if (form.matches("form[data-signed-action]")) {
      event.preventDefault();
      signAndSend(form).catch(() => say(form, form.dataset.failed));
    } else if (form.matches("form[data-sign-out]")) {
      forget().catch(() => undefined);
    }
  });
})();
