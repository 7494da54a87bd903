/* The checklist on a phone (inspections/field/inspect.html).
 *
 * The page works as a plain form without this script. With it, the whole draft survives a
 * reload and a lost connection until the server confirms the submission:
 *   - answers, notes, the start time, the GPS fix and the client key (a UUID that makes a
 *     retried upload return the first inspection) live in localStorage under config.draftKey;
 *   - photos live as Blobs in IndexedDB ("cc-field" / "photos"), indexed by the same key;
 *   - "Submit" posts multipart (the wire format of intake.py) with XMLHttpRequest (for upload
 *     progress), retries network errors and 5xx with a growing delay, and clears the draft
 *     only on a 200/201 JSON answer carrying the inspection's url.
 * Data comes from the server through json_script (#field-config); no inline code (CSP).
 */
(function () {
  "use strict";
  var configNode = document.getElementById("field-config");
  if (!configNode) return;
  var config = JSON.parse(configNode.textContent);
  var M = config.messages;
  var DRAFT_KEY = config.draftKey;
  var DB_NAME = "cc-field";
  var STORE = "photos";
  var RETRY_DELAYS = [2, 4, 8, 15, 30, 60];  // seconds; the last one repeats
  var SHARE = { A: 100, B: 66, C: 33, "C#": 0 };

  function fmt(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : all;
    });
  }

  function newUuid() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) {
      window.crypto.getRandomValues(bytes);
    } else {
      for (var i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;  // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80;  // RFC 4122 variant
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // --- photos in IndexedDB ---------------------------------------------------------------------
  var dbPromise = null;
  function openDb() {
    if (dbPromise) return dbPromise;
    dbPromise = new Promise(function (resolve) {
      if (!window.indexedDB) { resolve(null); return; }
      var request;
      try { request = window.indexedDB.open(DB_NAME, 1); } catch (e) { resolve(null); return; }
      request.onupgradeneeded = function () {
        var store = request.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
        store.createIndex("draft", "draft", { unique: false });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { resolve(null); };
      request.onblocked = function () { resolve(null); };
    });
    return dbPromise;
  }

  function tx(mode, work) {
    return openDb().then(function (db) {
      if (!db) return Promise.reject(new Error("IndexedDB"));
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var result;
        transaction.oncomplete = function () { resolve(result); };
        transaction.onerror = function () { reject(transaction.error || new Error("IndexedDB")); };
        transaction.onabort = function () { reject(transaction.error || new Error("IndexedDB")); };
        work(transaction.objectStore(STORE), function (value) { result = value; });
      });
    });
  }

  var memoryPhotos = [];  // when IndexedDB is unavailable: kept only while the page is open
  var memorySeq = 0;
  var useMemory = false;

  function putPhoto(record) {
    if (useMemory) {
      record.id = "m" + (++memorySeq);
      memoryPhotos.push(record);
      return Promise.resolve(record.id);
    }
    return tx("readwrite", function (store, done) {
      var request = store.add(record);
      request.onsuccess = function () { done(request.result); };
    });
  }

  function listPhotos() {
    if (useMemory) {
      return Promise.resolve(memoryPhotos.filter(function (p) { return p.draft === DRAFT_KEY; }));
    }
    return tx("readonly", function (store, done) {
      var request = store.index("draft").getAll(DRAFT_KEY);
      request.onsuccess = function () { done(request.result || []); };
    });
  }

  function deletePhoto(id) {
    if (useMemory) {
      memoryPhotos = memoryPhotos.filter(function (p) { return p.id !== id; });
      return Promise.resolve();
    }
    return tx("readwrite", function (store) { store.delete(id); });
  }

  function deleteAllPhotos() {
    if (useMemory) {
      memoryPhotos = memoryPhotos.filter(function (p) { return p.draft !== DRAFT_KEY; });
      return Promise.resolve();
    }
    return tx("readwrite", function (store) {
      var request = store.index("draft").openKeyCursor(IDBKeyRange.only(DRAFT_KEY));
      request.onsuccess = function () {
        var cursor = request.result;
        if (cursor) { store.delete(cursor.primaryKey); cursor.continue(); }
      };
    }).catch(function () { /* nothing stored */ });
  }

  // --- the draft in localStorage ------------------------------------------------------------------
  function loadDraft() {
    try {
      var raw = window.localStorage.getItem(DRAFT_KEY);
      var draft = raw ? JSON.parse(raw) : null;
      return draft && draft.clientKey ? draft : null;
    } catch (e) { return null; }
  }

  function clearDraft() {
    try { window.localStorage.removeItem(DRAFT_KEY); } catch (e) { /* private mode */ }
    return deleteAllPhotos();
  }

  if (config.clearDraft) {  // the assignment is done: whatever was kept here has arrived
    clearDraft();
    return;
  }

  var form = document.getElementById("field-form");
  if (!form) return;
  var statusNode = document.getElementById("field-status");
  var progressNode = document.getElementById("field-progress");
  var errorsNode = document.getElementById("field-errors");
  var scoreNode = document.getElementById("field-score");
  var discardButton = document.getElementById("field-discard");
  var items = config.items;
  var itemsById = {};
  items.forEach(function (item) { itemsById[item.id] = item; });

  var stored = loadDraft();
  var isNew = !stored;
  var draft = stored || {
    v: 1,
    clientKey: newUuid(),
    startedAt: new Date().toISOString(),
    answers: {},
    notes: {},
    note: "",
    gps: null,
    submitting: false
  };
  var storageOk = true;

  function saveDraft(quiet) {
    draft.savedAt = new Date().toISOString();
    try {
      window.localStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
      storageOk = true;
    } catch (e) {
      storageOk = false;
      setStatus("error", fmt(M.storageFailed, { reason: e.name || e.message }));
      return;
    }
    discardButton.hidden = false;
    if (!quiet && !sending && !waitingRetry) setStatus("saved", M.saved);
  }

  function setText(node, text) {  // see setStatus
    if (node.textContent !== text) node.textContent = text;
  }

  function setStatus(state, text) {
    // touch the DOM only on a change: rewriting unchanged text while a field has focus makes
    // Chrome scroll that field back into view, moving the page under the thumb mid-tap
    if (statusNode.getAttribute("data-state") !== state) statusNode.setAttribute("data-state", state);
    setText(statusNode, text || "");
  }

  form.classList.add("js-on");
  form.elements.client_key.value = draft.clientKey;
  form.elements.started_at.value = draft.startedAt;

  // --- answers: form ↔ draft ----------------------------------------------------------------------
  function control(name) { return form.elements[name]; }

  function readItem(item) {
    var answer = {};
    if (item.scale) {
      var count = control("violations_" + item.id).value.trim();
      answer.violations = count === "" ? null : Math.max(0, Math.min(999, parseInt(count, 10) || 0));
      answer.na = control("na_" + item.id).checked;
    } else {
      var checked = form.querySelector('input[name="outcome_' + item.id + '"]:checked');
      answer.outcome = checked ? checked.value : null;
    }
    draft.answers[item.id] = answer;
    draft.notes[item.id] = control("note_" + item.id).value;
  }

  function writeItem(item) {
    var answer = draft.answers[item.id] || {};
    if (item.scale) {
      control("violations_" + item.id).value = answer.violations === null || answer.violations === undefined ? "" : answer.violations;
      control("na_" + item.id).checked = !!answer.na;
    } else {
      form.querySelectorAll('input[name="outcome_' + item.id + '"]').forEach(function (radio) {
        radio.checked = radio.value === answer.outcome;
      });
    }
    control("note_" + item.id).value = draft.notes[item.id] || "";
  }

  function itemFromNode(node) {
    var fieldset = node.closest("fieldset[data-item]");
    return fieldset ? itemsById[fieldset.getAttribute("data-item")] : null;
  }

  function statusOf(item, answer) {
    var status = "A";
    item.bands.forEach(function (band) { if (answer.violations >= band[1]) status = band[0]; });
    return status;
  }

  // per item: answered? failed? points lost?
  function evaluate(item) {
    var answer = draft.answers[item.id] || {};
    if (item.scale) {
      if (answer.na) return { answered: true, failed: false, lost: 0 };
      if (answer.violations === null || answer.violations === undefined) return { answered: false, failed: false, lost: 0 };
      var status = statusOf(item, answer);
      return { answered: true, failed: status !== "A", lost: item.points * (100 - SHARE[status]) / 100, status: status };
    }
    if (!answer.outcome) return { answered: false, failed: false, lost: 0 };
    var failed = answer.outcome === "fail";
    return { answered: true, failed: failed, lost: failed ? item.deduction : 0 };
  }

  var photoCounts = {};

  function refreshItem(item) {
    var fieldset = document.getElementById("item-" + item.id);
    var result = evaluate(item);
    fieldset.classList.toggle("item-answered", result.answered);
    fieldset.classList.toggle("item-failed", result.failed);
    if (item.scale) {
      var badge = fieldset.querySelector("[data-status]");
      setText(badge, result.status || (draft.answers[item.id] && draft.answers[item.id].na ? "—" : ""));
      badge.setAttribute("data-value", result.status || "");
      fieldset.querySelectorAll(".counter-button, .counter-value").forEach(function (node) {
        node.disabled = !!(draft.answers[item.id] && draft.answers[item.id].na);
      });
    }
    var needsPhoto = item.photoRequired && result.failed && !(photoCounts[item.id] > 0);
    fieldset.querySelector("[data-photo-required]").hidden = !needsPhoto;
    fieldset.classList.toggle("item-needs-photo", needsPhoto);
    return result;
  }

  function refreshScore() {
    var lost = 0;
    var veto = false;
    var answered = 0;
    items.forEach(function (item) {
      var result = refreshItem(item);
      lost += result.lost;
      if (result.answered) answered += 1;
      if (item.veto && result.failed) veto = true;
    });
    var score = Math.max(0, 100 - lost);
    scoreNode.hidden = answered === 0;
    setText(scoreNode, fmt(M.score, { score: String(Math.round(score * 100) / 100) }) +
      " · " + answered + "/" + items.length + (veto ? " · " + M.vetoFailed : ""));
    scoreNode.classList.toggle("score-low", veto || score < config.passLine);
  }

  form.addEventListener("input", onEdit);
  form.addEventListener("change", onEdit);
  function onEdit(event) {
    var target = event.target;
    if (target.type === "file") return;
    if (target.name === "note") {
      draft.note = target.value;
    } else {
      var item = itemFromNode(target);
      if (!item) return;
      readItem(item);
    }
    saveDraft();
    refreshScore();
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest(".counter-button");
    if (!button) return;
    var input = button.parentNode.querySelector(".counter-value");
    var current = input.value.trim() === "" ? null : parseInt(input.value, 10) || 0;
    var step = parseInt(button.getAttribute("data-step"), 10);
    var next = current === null ? (step > 0 ? 1 : 0) : Math.max(0, Math.min(999, current + step));
    input.value = next;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });

  // --- photos ---------------------------------------------------------------------------------------
  function isImage(file) {
    return /^image\//.test(file.type) || /\.(jpe?g|png|webp|heic|heif)$/i.test(file.name || "");
  }

  var objectUrls = [];
  function renderPhotos() {
    return listPhotos().catch(function () {
      useMemory = true;  // IndexedDB refused (private mode, old browser): keep photos in memory
      return listPhotos();
    }).then(function (photos) {
      objectUrls.forEach(function (url) { URL.revokeObjectURL(url); });
      objectUrls = [];
      photoCounts = {};
      form.querySelectorAll("[data-photo-list]").forEach(function (list) { list.textContent = ""; });
      photos.forEach(function (photo) {
        var key = photo.item === null ? "general" : String(photo.item);
        photoCounts[key] = (photoCounts[key] || 0) + 1;
        var field = form.querySelector('[data-photos="' + key + '"]');
        if (!field) return;
        var li = document.createElement("li");
        li.className = "photo-chip";
        var img = document.createElement("img");
        var url = URL.createObjectURL(photo.blob);
        objectUrls.push(url);
        img.alt = photo.name;
        img.src = url;
        img.addEventListener("error", function () {  // e.g. HEIC, which most browsers cannot draw
          var label = document.createElement("span");
          label.className = "photo-name";
          label.textContent = photo.name;
          img.replaceWith(label);
        });
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "photo-remove";
        remove.textContent = "×";
        remove.setAttribute("aria-label", M.remove + " " + photo.name);
        remove.addEventListener("click", function () {
          deletePhoto(photo.id).then(renderPhotos);
        });
        li.appendChild(img);
        li.appendChild(remove);
        field.querySelector("[data-photo-list]").appendChild(li);
      });
      refreshScore();
      return photos;
    });
  }

  form.querySelectorAll("input.photo-input").forEach(function (input) {
    input.addEventListener("change", function () {
      var key = input.name.slice("photo_".length);
      var item = key === "general" ? null : parseInt(key, 10);
      var files = Array.prototype.slice.call(input.files || []);
      input.value = "";  // kept in IndexedDB now; the form itself never sends these
      var room = config.maxPhotos - (photoCounts[key] || 0);
      var problems = [];
      if (files.length > room) {
        problems.push(fmt(M.tooManyPhotos, { n: config.maxPhotos }));
        files = files.slice(0, Math.max(0, room));
      }
      var chain = Promise.resolve();
      files.forEach(function (file) {
        if (!isImage(file)) { problems.push(fmt(M.notImage, { name: file.name })); return; }
        chain = chain.then(function () {
          return putPhoto({
            draft: DRAFT_KEY, item: item, name: file.name || "photo.jpg",
            type: file.type, blob: file, addedAt: new Date().toISOString()
          });
        }).catch(function (error) {
          if (!useMemory && (!error || error.message === "IndexedDB")) {
            useMemory = true;  // no IndexedDB here: keep it for this page at least
            return putPhoto({ draft: DRAFT_KEY, item: item, name: file.name || "photo.jpg", type: file.type, blob: file });
          }
          problems.push(fmt(M.storageFailed, { reason: (error && (error.name || error.message)) || "?" }));
        });
      });
      chain.then(renderPhotos).then(function () {
        if (problems.length) showErrors(problems);
        else if (!sending && !waitingRetry) setStatus("saved", M.saved);
        discardButton.hidden = false;
        saveDraft(true);
      });
    });
  });

  // --- start: time and place ----------------------------------------------------------------------
  var locationPanel = document.getElementById("field-location");
  var locationText = document.getElementById("field-location-text");
  var farNode = document.getElementById("field-far");
  locationPanel.hidden = false;
  document.getElementById("field-started").textContent = new Date(draft.startedAt).toLocaleString();

  function distanceMetres(lat1, lng1, lat2, lng2) {
    var rad = Math.PI / 180;
    var dLat = (lat2 - lat1) * rad;
    var dLng = (lng2 - lng1) * rad;
    var a = Math.pow(Math.sin(dLat / 2), 2) +
      Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.pow(Math.sin(dLng / 2), 2);
    return 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(a)));
  }

  function showLocation() {
    var gps = draft.gps;
    farNode.hidden = true;
    if (!gps) return;
    var text = fmt(M.located, { m: gps.accuracy });
    locationText.setAttribute("data-state", "located");
    if (config.point) {
      var d = Math.round(distanceMetres(gps.lat, gps.lng, config.point.lat, config.point.lng));
      if (d > config.farMetres) {
        farNode.textContent = fmt(M.far, { d: d, far: config.farMetres });
        farNode.hidden = false;
        farNode.setAttribute("data-distance", d);
      } else {
        text += " · " + fmt(M.near, { d: d });
      }
    } else {
      text += " · " + M.noPointLocation;
    }
    locationText.textContent = text;
  }

  function locate() {
    if (!navigator.geolocation) {
      locationText.setAttribute("data-state", "unavailable");
      locationText.textContent = fmt(M.noLocation, { reason: "—" });
      return;
    }
    locationText.setAttribute("data-state", "locating");
    locationText.textContent = M.locating;
    navigator.geolocation.getCurrentPosition(function (position) {
      draft.gps = {
        lat: Math.round(position.coords.latitude * 1e6) / 1e6,
        lng: Math.round(position.coords.longitude * 1e6) / 1e6,
        accuracy: Math.round(position.coords.accuracy),
        at: new Date(position.timestamp || Date.now()).toISOString()
      };
      saveDraft(true);
      showLocation();
    }, function (error) {
      locationText.setAttribute("data-state", "unavailable");
      locationText.textContent = fmt(M.noLocation, { reason: error.message || error.code });
      if (draft.gps) showLocation();
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  }
  document.getElementById("field-locate").addEventListener("click", locate);

  // --- submitting -----------------------------------------------------------------------------------
  var sending = false;
  var waitingRetry = false;
  var retryTimer = null;
  var countdownTimer = null;
  var attempt = 0;

  function showErrors(messages) {
    errorsNode.textContent = "";
    if (!messages.length) { errorsNode.hidden = true; return; }
    var list = document.createElement("ul");
    list.className = "errorlist";
    messages.forEach(function (message) {
      var li = document.createElement("li");
      li.textContent = message;
      list.appendChild(li);
    });
    errorsNode.appendChild(list);
    errorsNode.hidden = false;
    errorsNode.scrollIntoView({ block: "center", behavior: "smooth" });
  }

  function localProblems() {
    var unanswered = [];
    var photoMissing = [];
    items.forEach(function (item) {
      var result = evaluate(item);
      if (!result.answered) unanswered.push(item.code);
      else if (item.photoRequired && result.failed && !(photoCounts[item.id] > 0)) photoMissing.push(item.code);
    });
    var problems = [];
    if (unanswered.length) problems.push(fmt(M.unanswered, { codes: unanswered.join("、") }));
    if (photoMissing.length) problems.push(fmt(M.photoMissing, { codes: photoMissing.join("、") }));
    return problems;
  }

  function answersJson() {
    return JSON.stringify(items.map(function (item) {
      var answer = draft.answers[item.id] || {};
      var row = { item: item.id };
      if (item.scale) {
        if (answer.na) row.outcome = "na";
        else row.violations = answer.violations;
      } else {
        row.outcome = answer.outcome;
      }
      var note = (draft.notes[item.id] || "").trim();
      if (note) row.note = note;
      return row;
    }));
  }

  function buildBody(photos) {
    var body = new FormData();
    var csrf = form.elements.csrfmiddlewaretoken.value;
    body.append("csrfmiddlewaretoken", csrf);
    body.append("client_key", draft.clientKey);
    if (form.elements.assignment) body.append("assignment", form.elements.assignment.value);
    else body.append("point", form.elements.point.value);
    body.append("started_at", draft.startedAt);
    body.append("device_now", new Date().toISOString());
    if (draft.gps) {
      body.append("latitude", draft.gps.lat);
      body.append("longitude", draft.gps.lng);
      body.append("accuracy", draft.gps.accuracy);
    }
    body.append("note", draft.note || "");
    body.append("answers", answersJson());
    photos.forEach(function (photo) {
      body.append(photo.item === null ? "photo_general" : "photo_" + photo.item, photo.blob, photo.name);
    });
    return { body: body, csrf: csrf };
  }

  function scheduleRetry() {
    waitingRetry = true;
    var delay = RETRY_DELAYS[Math.min(attempt - 1, RETRY_DELAYS.length - 1)];
    var left = delay;
    setStatus("retrying", M.retrying + " · " + fmt(M.retryIn, { s: left }));
    clearInterval(countdownTimer);
    countdownTimer = setInterval(function () {
      left -= 1;
      if (left > 0) setStatus("retrying", M.retrying + " · " + fmt(M.retryIn, { s: left }));
    }, 1000);
    clearTimeout(retryTimer);
    retryTimer = setTimeout(send, delay * 1000);
  }

  function stopRetrying() {
    waitingRetry = false;
    clearTimeout(retryTimer);
    clearInterval(countdownTimer);
  }

  function refused(messages, state) {
    draft.submitting = false;
    saveDraft(true);
    setStatus(state || "refused", state === "signed-out" ? M.signedOut : state === "expired" ? M.expired : M.refused);
    showErrors(messages);
  }

  function messagesOf(data) {
    if (!data) return [];
    if (data.errors) {
      var out = [];
      Object.keys(data.errors).forEach(function (field) {
        data.errors[field].forEach(function (message) {
          var match = /^photo_(\d+)$/.exec(field);
          var item = match ? itemsById[match[1]] : null;
          out.push(item ? item.code + ": " + message : message);
        });
      });
      return out;
    }
    return data.messages || (data.error ? [data.error] : []);
  }

  function succeeded(data) {
    stopRetrying();
    sending = false;
    clearDraft().then(function () {
      setStatus("submitted", M.submitted);
      progressNode.hidden = true;
      var done = document.getElementById("field-done");
      var link = done.querySelector("[data-result-link]");
      link.href = data.url;
      done.querySelector("[data-result-score]").textContent = data.score;
      done.hidden = false;
      form.hidden = true;
      locationPanel.hidden = true;
      done.scrollIntoView({ block: "start" });
    });
  }

  function send() {
    if (sending) return;
    stopRetrying();
    sending = true;
    attempt += 1;
    draft.submitting = true;
    saveDraft(true);
    showErrors([]);
    setStatus("submitting", M.submitting);
    progressNode.hidden = false;
    progressNode.value = 0;
    listPhotos().catch(function () { return []; }).then(function (photos) {
      var built = buildBody(photos);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", config.submitUrl);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.setRequestHeader("X-CSRFToken", built.csrf);
      xhr.timeout = 300000;
      xhr.upload.onprogress = function (event) {
        if (event.lengthComputable) progressNode.value = Math.round(100 * event.loaded / event.total);
      };
      function networkError() {
        sending = false;
        progressNode.hidden = true;
        scheduleRetry();
      }
      xhr.onerror = networkError;
      xhr.ontimeout = networkError;
      xhr.onabort = networkError;
      xhr.onload = function () {
        sending = false;
        progressNode.hidden = true;
        var data = null;
        var isJson = /json/.test(xhr.getResponseHeader("Content-Type") || "");
        if (isJson) { try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; } }
        if ((xhr.status === 200 || xhr.status === 201) && data && data.url) { succeeded(data); return; }
        if (!isJson && /\/accounts\/login\//.test(xhr.responseURL || "")) { refused([], "signed-out"); return; }
        if (xhr.status >= 500 || xhr.status === 408 || xhr.status === 429 || xhr.status === 0) { scheduleRetry(); return; }
        if (xhr.status === 403 && !isJson) { refused([], "expired"); return; }
        refused(messagesOf(data).length ? messagesOf(data) : [xhr.status + " " + xhr.statusText]);
      };
      xhr.send(built.body);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (sending) return;
    var problems = localProblems();
    if (problems.length) { showErrors(problems); return; }
    attempt = 0;
    send();
  });

  window.addEventListener("online", function () {
    if (waitingRetry && !sending) send();
  });

  discardButton.addEventListener("click", function () {
    if (!window.confirm(M.discardConfirm)) return;
    stopRetrying();
    clearDraft().then(function () { window.location.reload(); });
  });

  // --- start up ---------------------------------------------------------------------------------------
  if (isNew) {
    items.forEach(readItem);  // whatever the server put in the form (after a refused post)
    draft.note = form.elements.note.value;
  } else {
    items.forEach(writeItem);
    form.elements.note.value = draft.note || "";
  }
  saveDraft(true);
  if (!isNew) setStatus("saved", M.saved);
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(function () {});
  renderPhotos().then(function () {
    if (draft.submitting) {  // reloaded while an upload was pending: carry on
      attempt = 1;
      if (navigator.onLine === false) scheduleRetry(); else send();
    }
  });
  if (draft.gps) showLocation();
  if (!draft.gps) locate();
})();
