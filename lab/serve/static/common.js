"use strict";
// Shared by the workshop page (app.js) and the phone page (phone.js): the server's API,
// and streaming this device's motion into a run. Written for this project; no libraries.

const STANDARD_GRAVITY = 9.80665;          // m/s^2 per g
const MOTION_SEND_MS = 50;                  // readings are sent in batches this often

function byId(id) { return document.getElementById(id); }

function socketURL(path) {
  return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
}

// fetch() that returns the JSON answer, or throws an Error with the server's one-line message.
async function callAPI(path, options) {
  let response;
  try {
    response = await fetch(path, options);
  } catch (problem) {
    throw new Error(`the server did not answer (${problem.message})`);
  }
  let body = null;
  try { body = await response.json(); } catch (ignored) { body = null; }
  if (!response.ok) {
    throw new Error((body && body.error) || `${response.status} ${response.statusText}`);
  }
  return body;
}

// iOS asks the person before a page may read motion; it must be called from a tap.
async function askMotionPermission() {
  if (typeof DeviceMotionEvent === "undefined") {
    throw new Error("this browser has no motion sensors (DeviceMotion)");
  }
  if (typeof DeviceMotionEvent.requestPermission === "function") {
    const answer = await DeviceMotionEvent.requestPermission();
    if (answer !== "granted") throw new Error("motion sensors were not allowed");
  }
  if (!window.isSecureContext) {
    throw new Error("motion sensors need https (or http://127.0.0.1)");
  }
}

// Streams DeviceMotion's accelerationIncludingGravity (m/s^2, the phone's frame) into a
// run's live socket as {"motion": [[t s, x, y, z], ...]}. The server turns it into the
// board's axes and g (docs/serve.md). `flip` negates all three, for browsers that report
// the opposite sign. `onReading(g)` sees each reading in g.
function streamMotion(socket, options) {
  const rows = [];
  const sign = options && options.flip ? -1 : 1;
  const onReading = (options && options.onReading) || (() => {});
  const handler = (event) => {
    const a = event.accelerationIncludingGravity;
    if (!a || a.x === null || a.x === undefined) return;
    const reading = [sign * a.x, sign * a.y, sign * a.z];
    rows.push([event.timeStamp / 1000, ...reading]);
    onReading(reading.map((v) => v / STANDARD_GRAVITY));
  };
  window.addEventListener("devicemotion", handler);
  const timer = setInterval(() => {
    if (rows.length && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ motion: rows.splice(0, rows.length) }));
    }
  }, MOTION_SEND_MS);
  return () => {
    window.removeEventListener("devicemotion", handler);
    clearInterval(timer);
  };
}

function openSocket(path) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(socketURL(path));
    socket.binaryType = "arraybuffer";
    socket.onopen = () => resolve(socket);
    socket.onerror = () => reject(new Error("could not connect to the run"));
  });
}
