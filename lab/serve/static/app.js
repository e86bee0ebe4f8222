"use strict";
// The workshop page: pick a board and an app, run it, watch it, talk to it.
// Uses the HTTP API of docs/serve.md; common.js and charts.js come first.

const CHUNK_S = 0.02;               // microphone samples go to the board every 20 ms
const ONSET_RMS = 0.02;             // louder than this after a pause: someone speaks
const QUIET_BEFORE_ONSET_S = 0.3;
const RECORD_MAX_S = 10;
const UART_MAX_LINES = 2000;
const NOTHING = new Set(["silence", "negative"]);   // labels that mean "nothing heard"
const LED_COLOURS = ["#ff3b30", "#34c759", "#0a84ff", "#ffcc00"];

const page = {
  catalogue: null,
  run: null,            // {id, ...} of the run on show
  events: null,         // its events socket
  live: null,           // its live-input socket
  voice: null,          // the open microphone
  stopMotion: null,
  recorded: null,       // a File made by "record a clip"
  recorder: null,
  charts: null,
  stages: {},
  lastOnset: null,      // performance.now() when the person last began to speak
};

// ------------------------------------------------------------ catalogue and form
async function loadCatalogue() {
  try {
    page.catalogue = await callAPI("/api/catalogue");
  } catch (problem) {
    showError(`cannot load the boards and apps: ${problem.message}`);
    return;
  }
  const boards = page.catalogue.platforms.filter((p) => !p.error);
  byId("platform").replaceChildren(...boards.map((p) => new Option(p.name, p.name)));
  const limits = page.catalogue.limits;
  byId("limits").textContent = `Uploads up to ${limits.upload_mb} MB; a run may take up to ` +
    `${limits.run_s} s; this server runs ${limits.runs_at_once} at once.`;
  const wanted = new URLSearchParams(location.search);
  const withApps = boards.find((p) => p.apps.includes("micro_speech")) ||
                   boards.find((p) => p.apps.length) || boards[0];
  const main = boards.find((p) => p.name === page.catalogue.default_platform);
  byId("platform").value = wanted.get("platform") || (main || withApps).name;
  boardChanged();
  if (wanted.get("app")) { byId("app").value = wanted.get("app"); appChanged(); }
}

function platformInfo() {
  return page.catalogue.platforms.find((p) => p.name === byId("platform").value);
}

function appInfo() {
  return page.catalogue.apps.find((a) => a.name === byId("app").value);
}

function boardChanged() {
  const board = platformInfo();
  byId("platform-description").textContent = board ? board.description : "";
  // Apps the lab itself drives over the UART (model_runner) are not offered here.
  const apps = page.catalogue.apps.filter((a) => a.platforms.includes(board.name) &&
                                          !a.requires.includes("console_input"));
  const previous = byId("app").value;
  byId("app").replaceChildren(...apps.map((a) => new Option(a.name, a.name)));
  if (apps.some((a) => a.name === previous)) byId("app").value = previous;
  else if (apps.some((a) => a.name === "micro_speech")) byId("app").value = "micro_speech";
  appChanged();
}

function appChanged() {
  const app = appInfo();
  const board = platformInfo();
  const elf = byId("elf").files.length > 0;
  byId("app").disabled = elf;
  byId("app-description").textContent = elf ? "your ELF runs instead of an app" :
    (app ? app.description : "no app runs on this board yet: upload an ELF built for it");
  const needs = elf ? ["microphone", "imu"] : (app ? app.requires : []);
  byId("audio-input").hidden = !(needs.includes("microphone") && board.microphone);
  byId("imu-input").hidden = !(needs.includes("imu") && board.imu);
  byId("title").textContent = `${elf ? byId("elf").files[0].name : (app ? app.name : "")} on ${board.name}`;
  byId("run").disabled = !elf && !app;
  showChoices();
}

function choice(name) {
  const fieldset = byId(name === "audio" ? "audio-input" : "imu-input");
  if (fieldset.hidden) return null;
  return document.querySelector(`input[name=${name}]:checked`).value;
}

function showChoices() {
  for (const name of ["audio", "imu"]) {
    const fieldset = byId(name === "audio" ? "audio-input" : "imu-input");
    const chosen = document.querySelector(`input[name=${name}]:checked`).value;
    for (const box of fieldset.querySelectorAll(".choice")) box.hidden = box.dataset.for !== chosen;
  }
}

function addFiles(form, field, input, folder) {
  for (const file of input.files) {
    form.append(field, file, folder ? (file.webkitRelativePath || file.name) : file.name);
  }
  return input.files.length;
}

// The run request as multipart/form-data (docs/serve.md), checked against the limits.
function buildRequest() {
  const form = new FormData();
  const elf = byId("elf").files[0];
  if (elf) form.append("elf", elf, elf.name);
  else form.append("app", byId("app").value);
  form.append("platform", byId("platform").value);
  const audio = choice("audio");
  if (audio === "live") form.append("audio", "live");
  if (audio === "record") {
    if (!page.recorded) throw new Error("record a clip first (the Record button)");
    form.append("audio", page.recorded, page.recorded.name);
  }
  if (audio === "file" && !addFiles(form, "audio", byId("audio-file"), false)) {
    throw new Error("choose a WAV file");
  }
  if (audio === "folder" && !addFiles(form, "audio", byId("audio-folder"), true)) {
    throw new Error("choose a folder of WAV files");
  }
  const imu = choice("imu");
  if (imu === "phone" || imu === "device") form.append("imu", "live");
  if (imu === "file" && !addFiles(form, "imu", byId("imu-file"), false)) {
    throw new Error("choose a recording (CSV, RESD or text)");
  }
  if (imu === "folder" && !addFiles(form, "imu", byId("imu-folder"), true)) {
    throw new Error("choose a folder with labels.csv");
  }
  addFiles(form, "model", byId("model"), false);
  let bytes = 0;
  for (const [, value] of form.entries()) if (value instanceof File) bytes += value.size;
  const limit = page.catalogue.limits.upload_mb;
  if (bytes > limit * 1048576) {
    throw new Error(`the upload is ${(bytes / 1048576).toFixed(1)} MB, larger than the ` +
                    `server's limit of ${limit} MB`);
  }
  return form;
}

function showError(text) { byId("error").textContent = text || ""; }

// ------------------------------------------------------------ running
async function startRun() {
  showError("");
  const audio = choice("audio");
  const imu = choice("imu");
  closeInputs();
  try {
    // What needs the click itself (permissions) comes before anything is sent.
    if (imu === "device") await askMotionPermission();
    if (audio === "live") page.voice = await openMicrophone();
    const form = buildRequest();
    byId("run").disabled = true;
    const run = await callAPI("/api/runs", { method: "POST", body: form });
    beginRun(run, audio, imu);
  } catch (problem) {
    showError(problem.message);
    closeInputs();
    byId("run").disabled = false;
  }
}

function beginRun(run, audio, imu) {
  page.run = run;
  resetView();
  setStatus(run.status);
  byId("stop").disabled = false;
  byId("pairing").hidden = imu !== "phone";
  if (imu === "phone") {
    byId("phone-url").textContent = `${location.origin}/phone?run=${run.id}`;
    byId("phone-code").textContent = run.id;
  }
  watchEvents(run.id);
  if (audio === "live" || imu === "device") startLive(run.id, audio === "live", imu === "device");
}

async function startLive(runId, voice, motion) {
  try {
    page.live = await openSocket(`/api/runs/${runId}/live`);
  } catch (problem) {
    showError(problem.message);
    return;
  }
  page.live.onmessage = (message) => {
    const data = JSON.parse(message.data);
    if (data.error) addNote(data.error);
  };
  if (voice && page.voice) {
    byId("level").hidden = false;
    page.voice.onChunk = sendVoice;
  }
  if (motion) {
    let readings = 0;
    page.stopMotion = streamMotion(page.live, {
      flip: byId("flip").checked, onReading: () => { readings++; } });
    setTimeout(() => {
      if (!readings && page.live) addNote("this device sends no motion readings: open the " +
                                          "phone page on a phone instead");
    }, 3000);
  }
}

function stopRun() {
  if (!page.run) return;
  byId("stop").disabled = true;
  callAPI(`/api/runs/${page.run.id}/stop`, { method: "POST" }).catch((p) => showError(p.message));
  closeInputs();
}

function closeInputs() {
  if (page.voice) { page.voice.close(); page.voice = null; }
  if (page.stopMotion) { page.stopMotion(); page.stopMotion = null; }
  if (page.live) { page.live.close(); page.live = null; }
  byId("level").hidden = true;
}

// ------------------------------------------------------------ the microphone
async function openMicrophone() {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    throw new Error("this page gets no microphone here: use https, or http://127.0.0.1");
  }
  const stream = await navigator.mediaDevices.getUserMedia({ audio: {
    channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
  let context = null;
  let source = null;
  for (const rate of [16000, undefined]) {     // the board's rate if the browser resamples
    try {
      context = rate ? new AudioContext({ sampleRate: rate }) : new AudioContext();
      await context.audioWorklet.addModule("/static/capture-worklet.js");
      source = context.createMediaStreamSource(stream);
      break;
    } catch (problem) {
      if (context) await context.close();
      context = null;
      if (!rate) throw problem;
    }
  }
  const node = new AudioWorkletNode(context, "capture", {
    processorOptions: { chunk: Math.round(context.sampleRate * CHUNK_S) } });
  const mute = context.createGain();
  mute.gain.value = 0;
  source.connect(node);
  node.connect(mute);
  mute.connect(context.destination);
  await context.resume();
  const voice = {
    rate: context.sampleRate,
    onChunk: null,
    quietFor: 0,
    close() {
      node.port.onmessage = null;
      stream.getTracks().forEach((track) => track.stop());
      context.close();
    },
  };
  node.port.onmessage = (message) => {
    const samples = message.data;
    showLevel(samples, voice);
    if (voice.onChunk) voice.onChunk(samples, voice.rate);
  };
  return voice;
}

function showLevel(samples, voice) {
  let sum = 0;
  for (const v of samples) sum += v * v;
  const rms = Math.sqrt(sum / samples.length);
  byId("level-bar").style.width = `${Math.min(100, Math.max(0, (20 * Math.log10(rms + 1e-9) + 60) / 60 * 100))}%`;
  const seconds = samples.length / voice.rate;
  if (rms > ONSET_RMS) {
    if (voice.quietFor >= QUIET_BEFORE_ONSET_S) page.lastOnset = performance.now();
    voice.quietFor = 0;
  } else {
    voice.quietFor += seconds;
  }
}

// b"a", u32 little-endian rate, int16 little-endian samples (docs/serve.md).
function sendVoice(samples, rate) {
  if (!page.live || page.live.readyState !== WebSocket.OPEN) return;
  const buffer = new ArrayBuffer(5 + 2 * samples.length);
  const view = new DataView(buffer);
  view.setUint8(0, 0x61);
  view.setUint32(1, rate, true);
  for (let i = 0; i < samples.length; i++) {
    view.setInt16(5 + 2 * i, Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32768))), true);
  }
  page.live.send(buffer);
}

// Record a clip with the same microphone, keep it as a 16-bit WAV to run.
async function toggleRecording() {
  if (page.recorder) { finishRecording(); return; }
  showError("");
  try {
    const voice = await openMicrophone();
    const chunks = [];
    page.recorder = { voice, chunks, timer: setTimeout(finishRecording, RECORD_MAX_S * 1000) };
    voice.onChunk = (samples) => chunks.push(samples);
    byId("record").textContent = "\u25A0 Stop";
    byId("record-info").textContent = "recording...";
  } catch (problem) {
    showError(problem.message);
  }
}

function finishRecording() {
  const { voice, chunks, timer } = page.recorder;
  page.recorder = null;
  clearTimeout(timer);
  voice.close();
  const frames = chunks.reduce((n, c) => n + c.length, 0);
  const wav = encodeWav(chunks, frames, voice.rate);
  page.recorded = new File([wav], "recording.wav", { type: "audio/wav" });
  byId("recorded").src = URL.createObjectURL(page.recorded);
  byId("recorded").hidden = false;
  byId("record").textContent = "\u25CF Record again";
  byId("record-info").textContent = `${(frames / voice.rate).toFixed(1)} s recorded`;
}

function encodeWav(chunks, frames, rate) {
  const buffer = new ArrayBuffer(44 + 2 * frames);
  const view = new DataView(buffer);
  const text = (offset, s) => { for (let i = 0; i < s.length; i++) view.setUint8(offset + i, s.charCodeAt(i)); };
  text(0, "RIFF"); view.setUint32(4, 36 + 2 * frames, true); text(8, "WAVE");
  text(12, "fmt "); view.setUint32(16, 16, true); view.setUint16(20, 1, true);
  view.setUint16(22, 1, true); view.setUint32(24, rate, true); view.setUint32(28, 2 * rate, true);
  view.setUint16(32, 2, true); view.setUint16(34, 16, true);
  text(36, "data"); view.setUint32(40, 2 * frames, true);
  let offset = 44;
  for (const chunk of chunks) {
    for (const v of chunk) {
      view.setInt16(offset, Math.max(-32768, Math.min(32767, Math.round(v * 32768))), true);
      offset += 2;
    }
  }
  return buffer;
}

// ------------------------------------------------------------ what the run says
function watchEvents(runId) {
  if (page.events) page.events.close();
  const socket = new WebSocket(socketURL(`/api/runs/${runId}/events`));
  page.events = socket;
  socket.onmessage = (message) => {
    if (page.events === socket) onMessage(JSON.parse(message.data));
  };
}

function onMessage(m) {
  switch (m.type) {
    case "status": setStatus(m.status); break;
    case "start": onStart(m); break;
    case "uart": appendUart(m.text); break;
    case "event": onEvent(m.event); break;
    case "progress": page.virtual = m.virtual_s; showStats(); break;
    case "spectrum":
      byId("spectrogram-figure").hidden = false;
      page.charts.spectrogram.add(m);
      break;
    case "motion": onMotion(m.samples); break;
    case "note": addNote(m.text); break;
    case "end": finish(m); break;
    case "error": showError(m.error); break;
    default: break;
  }
}

function onStart(m) {
  setStatus("running");
  page.clockHz = m.clock_hz;
  byId("leds").replaceChildren(...m.leds.map((name, i) => {
    const led = document.createElement("span");
    led.className = "led";
    led.dataset.name = name;
    led.title = name;
    led.style.setProperty("--colour", LED_COLOURS[i % LED_COLOURS.length]);
    led.textContent = name;
    return led;
  }));
}

function onEvent(e) {
  const t = e.t_ms !== undefined ? e.t_ms / 1000 : page.virtual || 0;
  for (const [key, value] of Object.entries(e)) {
    if (key.startsWith("cycles_") && typeof value === "number") {
      const stage = key.slice(7);
      (page.stages[stage] = page.stages[stage] || []).push(value);
    }
  }
  if (e.event === "scores") {
    byId("scores-figure").hidden = false;
    if (typeof e.label === "string" && typeof e.score === "number") {
      page.charts.scores.add(e.label, t, e.score);
    } else {
      for (const [key, value] of Object.entries(e)) {
        if (!["event", "t", "t_ms"].includes(key) && !key.startsWith("cycles_") &&
            typeof value === "number") page.charts.scores.add(key, t, value);
      }
    }
  }
  if ((e.event === "detection" || e.event === "gesture") && !NOTHING.has(e.label)) heard(e, t);
  showStats();
}

function heard(e, t) {
  for (const chart of Object.values(page.charts)) if (chart.now > 0) chart.mark(t, e.label);
  const box = byId("heard");
  box.textContent = e.label;
  box.dataset.label = e.label;
  box.classList.remove("flash");
  void box.offsetWidth;                 // restart the animation
  box.classList.add("flash");
  const detail = document.createElement("small");
  detail.textContent = e.score !== undefined ? ` score ${e.score}` : "";
  if (page.voice && page.lastOnset !== null) {
    const latency = (performance.now() - page.lastOnset) / 1000;
    if (latency < 10) {
      box.dataset.latency = latency.toFixed(3);
      detail.textContent += `, ${latency.toFixed(2)} s after you began to speak`;
    }
  }
  box.appendChild(detail);
  const list = byId("heard").dataset.all ? JSON.parse(byId("heard").dataset.all) : [];
  list.push(e.label);
  box.dataset.all = JSON.stringify(list);
}

function onMotion(samples) {
  byId("motion-figure").hidden = false;
  const chart = page.charts.motion;
  if (page.motionStart === undefined) page.motionStart = samples[0][0];
  for (const [t, x, y, z] of samples) {
    const s = t - page.motionStart;      // from the first sample, like the firmware's t_ms
    chart.add("x", s, x); chart.add("y", s, y); chart.add("z", s, z);
  }
}

function appendUart(text) {
  const uart = byId("uart");
  page.uartLines = (page.uartLines || 0) + 1;
  if (page.uartLines > UART_MAX_LINES) uart.firstChild && uart.removeChild(uart.firstChild);
  const line = document.createElement("div");
  line.textContent = text;
  if (text.startsWith("@lab ")) line.className = "event";
  uart.appendChild(line);
  uart.scrollTop = uart.scrollHeight;
}

function addNote(text) {
  const note = document.createElement("div");
  note.textContent = text;
  byId("notes").appendChild(note);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function showStats(result) {
  const items = [];
  if (page.virtual !== undefined) items.push(["virtual time", `${page.virtual.toFixed(1)} s`]);
  for (const [stage, values] of Object.entries(page.stages)) {
    items.push([`cycles ${stage}`, `${values[values.length - 1].toLocaleString()} ` +
               `(median ${median(values).toLocaleString()}, ${values.length}\u00d7)`]);
  }
  if (result) {
    const analysis = (result.analysis || {})[result.app] || {};
    if (analysis.load !== undefined && analysis.load !== null) {
      items.push(["load", `${(analysis.load * 100).toFixed(1)} % of the core`]);
    }
    if (analysis.accuracy !== undefined && analysis.accuracy !== null) {
      items.push(["accuracy", `${(analysis.accuracy * 100).toFixed(1)} %`]);
    }
    const dropped = Object.values(result.streams || {}).reduce((n, s) => n + s.dropped, 0);
    items.push(["dropped samples", `${dropped}`]);
    if (result.firmware) items.push(["flash / RAM", `${result.firmware.flash} / ${result.firmware.ram} B`]);
    if (result.energy) items.push(["energy", formatEnergy(result.energy)]);
    items.push(["instructions", result.instructions.toLocaleString()]);
  }
  byId("stats").replaceChildren(...items.map(([name, value]) => {
    const item = document.createElement("div");
    item.innerHTML = "<span></span><b></b>";
    item.firstChild.textContent = name;
    item.lastChild.textContent = value;
    return item;
  }));
}

function formatEnergy(energy) {
  if (typeof energy === "number") return `${energy} J`;
  return Object.entries(energy).map(([k, v]) => `${k} ${v}`).join(", ");
}

function setStatus(status) {
  const box = byId("status");
  box.textContent = status;
  box.className = `status ${status}`;
}

// ------------------------------------------------------------ the end
// The status changes last, once the results are on the page.
async function finish(m) {
  closeInputs();
  byId("stop").disabled = true;
  byId("run").disabled = false;
  byId("pairing").hidden = true;
  if (m.error) showError(m.error);
  let result = null;
  try { result = await callAPI(`/api/runs/${m.id}`); } catch (problem) { showError(problem.message); }
  if (result && result.id === (page.run && page.run.id) && result.instructions !== undefined) {
    showStats(result);
    showLeds(result);
    drawLedTraces(result);
    showResults(result);
  }
  setStatus(m.status);
}

function showLeds(result) {
  for (const led of byId("leds").children) {
    const trace = (result.leds || {})[led.dataset.name] || [];
    const level = trace.length ? trace[trace.length - 1][1] : 0;
    const changes = trace.length;
    led.style.setProperty("--level", level);
    led.title = `${led.dataset.name}: ${Math.round(level * 100)} % at the end, ` +
                `${changes} changes during the run`;
    led.classList.toggle("on", level > 0.05);
  }
}

// Each LED's brightness as a step trace over the whole run, one lane per LED.
function drawLedTraces(result) {
  const traces = Object.entries(result.leds || {}).filter(([, trace]) => trace.length > 1);
  byId("leds-figure").hidden = !traces.length;
  if (!traces.length) return;
  const canvas = byId("led-traces");
  const c = canvas.getContext("2d");
  const lane = canvas.height / traces.length;
  const end = Math.max(result.virtual_s, 1e-9);
  c.fillStyle = "#fff";
  c.fillRect(0, 0, canvas.width, canvas.height);
  traces.forEach(([name, trace], index) => {
    const top = index * lane;
    const x = (t) => t / end * canvas.width;
    c.strokeStyle = LED_COLOURS[index % LED_COLOURS.length];
    c.lineWidth = 1.5;
    c.beginPath();
    trace.forEach(([t, level], i) => {
      const y = top + lane - 3 - level * (lane - 8);
      const next = i + 1 < trace.length ? trace[i + 1][0] : end;
      if (i === 0) c.moveTo(x(t), y); else c.lineTo(x(t), y);
      c.lineTo(x(next), y);
    });
    c.stroke();
    c.fillStyle = "#555";
    c.font = "11px sans-serif";
    c.fillText(name, 4, top + 12);
  });
}

function showResults(result) {
  const box = byId("results");
  box.replaceChildren();
  if (result.fault) {
    const fault = document.createElement("div");
    fault.className = "fault";
    fault.textContent = `Fault: ${result.fault.kind} [${result.fault.reasons.join(", ")}] at PC ` +
      `0x${result.fault.pc.toString(16).padStart(8, "0")}` +
      (result.fault.pc_function ? ` in ${result.fault.pc_function}` : "") +
      `, LR 0x${result.fault.lr.toString(16).padStart(8, "0")}` +
      (result.fault.lr_function ? ` in ${result.fault.lr_function}` : "") +
      (result.fault.detail ? ` (${result.fault.detail})` : "");
    box.appendChild(fault);
  }
  const analysis = (result.analysis || {})[result.app] || {};
  if (analysis.clips && analysis.clips.length) box.appendChild(clipTable(analysis.clips));
  const links = document.createElement("p");
  links.className = "links";
  const add = (href, text) => {
    const a = document.createElement("a");
    a.href = href; a.textContent = text; a.target = "_blank";
    links.append(a, " ");
  };
  add(result.report, "full report");
  for (const stream of Object.values(result.streams || {})) {
    if (stream.recording) add(`/api/runs/${result.id}/files/${stream.recording}`, stream.recording);
  }
  add(`/api/runs/${result.id}/files/result.json`, "result.json");
  box.appendChild(links);
}

function clipTable(clips) {
  const table = document.createElement("table");
  table.className = "clips";
  const row = (cells, tag) => {
    const tr = document.createElement("tr");
    for (const cell of cells) {
      const td = document.createElement(tag);
      td.textContent = cell === null || cell === undefined ? "-" : cell;
      tr.appendChild(td);
    }
    return tr;
  };
  table.appendChild(row(["clip", "expected", "heard", "score", "latency s"], "th"));
  for (const c of clips) {
    const tr = row([c.name, c.expected, c.heard, c.score, c.latency_s], "td");
    if (c.expected) tr.className = c.outcome === c.expected ? "right" : "wrong";
    table.appendChild(tr);
  }
  return table;
}

function resetView() {
  showError("");
  page.stages = {};
  page.virtual = undefined;
  page.motionStart = undefined;
  page.uartLines = 0;
  page.lastOnset = null;
  page.charts = {
    spectrogram: new Spectrogram(byId("spectrogram")),
    motion: new LineChart(byId("motion"), [-2.5, 2.5]),
    scores: new LineChart(byId("scores"), null),
  };
  for (const id of ["uart", "notes", "results", "stats"]) byId(id).replaceChildren();
  for (const id of ["spectrogram-figure", "motion-figure", "scores-figure", "leds-figure"]) {
    byId(id).hidden = true;
  }
  const box = byId("heard");
  box.textContent = "";
  delete box.dataset.label;
  delete box.dataset.latency;
  delete box.dataset.all;
}

function drawCharts() {
  if (page.charts) for (const chart of Object.values(page.charts)) chart.draw();
  requestAnimationFrame(drawCharts);
}

// ------------------------------------------------------------ start
byId("platform").addEventListener("change", boardChanged);
byId("app").addEventListener("change", appChanged);
byId("elf").addEventListener("change", appChanged);
for (const radio of document.querySelectorAll("input[type=radio]")) radio.addEventListener("change", showChoices);
byId("run").addEventListener("click", startRun);
byId("stop").addEventListener("click", stopRun);
byId("record").addEventListener("click", toggleRecording);
loadCatalogue();
requestAnimationFrame(drawCharts);
