"use strict";
// The phone page: stream this phone's motion into a run started on the workshop page.

const phone = { socket: null, stop: null };

async function startStreaming() {
  byId("error").textContent = "";
  const code = byId("code").value.trim().toLowerCase();
  if (!code) { byId("error").textContent = "enter the run's code from the workshop page"; return; }
  try {
    await askMotionPermission();                 // first: it needs the tap
    const run = await callAPI(`/api/runs/${encodeURIComponent(code)}`);
    if (!run.live.includes("imu")) throw new Error(`run ${code} does not take live motion`);
    if (run.status === "done" || run.status === "failed") throw new Error(`run ${code} has ended`);
    phone.socket = await openSocket(`/api/runs/${encodeURIComponent(code)}/live`);
  } catch (problem) {
    byId("error").textContent = problem.message;
    return;
  }
  phone.socket.onmessage = (message) => {
    const data = JSON.parse(message.data);
    if (data.error) byId("error").textContent = data.error;
  };
  phone.socket.onclose = () => { stopStreaming(); byId("state").textContent = "the run has ended"; };
  phone.stop = streamMotion(phone.socket, { flip: byId("flip").checked, onReading: show });
  byId("start").disabled = true;
  byId("stop").disabled = false;
  byId("state").textContent = `streaming into run ${code}`;
}

function show(g) {
  ["x", "y", "z"].forEach((axis, i) => { byId(axis).textContent = g[i].toFixed(2); });
}

function stopStreaming() {
  if (phone.stop) { phone.stop(); phone.stop = null; }
  if (phone.socket) { phone.socket.onclose = null; phone.socket.close(); phone.socket = null; }
  byId("start").disabled = false;
  byId("stop").disabled = true;
  byId("state").textContent = "stopped";
}

byId("code").value = new URLSearchParams(location.search).get("run") || "";
byId("start").addEventListener("click", startStreaming);
byId("stop").addEventListener("click", stopStreaming);
