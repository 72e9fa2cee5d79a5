/*
 * Check-in at the door (/pelatih/pelatihan/<pk>/check-in/): read participants' QR codes with the phone's camera.
 *
 * The camera starts only when the trainer presses the button (getUserMedia, back camera). Frames are read with the
 * browser's BarcodeDetector where it has one, else with the vendored jsQR (loaded only then). A code read is posted
 * to the page's own form URL with fetch (CSRF token from the form, Accept: application/json) and the answer shown in
 * the result box. The same code is not sent again for 2 seconds. Without JavaScript, or without a camera, the
 * typed-code form works on its own.
 */
(function () {
  "use strict";

  var SAME_CODE_PAUSE_MS = 2000;
  var SCAN_INTERVAL_MS = 250;

  var camera = document.querySelector("[data-camera]");
  var form = document.querySelector("[data-check-in-form]");
  var box = document.querySelector("[data-check-in-box]");
  if (!camera || !form || !box) return;
  if (!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia) || !window.fetch) return;
  camera.hidden = false;

  var video = camera.querySelector("[data-video]");
  var status = camera.querySelector("[data-camera-status]");
  var startButton = camera.querySelector("[data-camera-start]");
  var stopButton = camera.querySelector("[data-camera-stop]");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var stream = null;
  var detector = null;
  var timer = null;
  var busy = false;
  var lastCode = "";
  var lastTime = 0;

  function text(name) {
    return camera.getAttribute("data-text-" + name) || "";
  }

  function show(kind, message) {
    box.setAttribute("data-check-in-result", kind);
    box.textContent = message;
  }

  function loadJsQR() {
    if (window.jsQR) return Promise.resolve(window.jsQR);
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = camera.getAttribute("data-jsqr-src");
      script.onload = function () { window.jsQR ? resolve(window.jsQR) : reject(new Error("jsQR")); };
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function makeReader() {
    if ("BarcodeDetector" in window) {
      return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
        if (formats.indexOf("qr_code") === -1) throw new Error("no qr_code");
        var barcodeDetector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return function () {
          return barcodeDetector.detect(video).then(function (codes) {
            return codes.length ? codes[0].rawValue : "";
          });
        };
      }).catch(function () { return jsQRReader(); });
    }
    return jsQRReader();
  }

  function jsQRReader() {
    return loadJsQR().then(function (jsQR) {
      return function () {
        var width = video.videoWidth, height = video.videoHeight;
        if (!width || !height) return Promise.resolve("");
        // A smaller copy of the frame is read faster and still holds a QR code shown at arm's length.
        var scale = Math.min(1, 640 / Math.max(width, height));
        canvas.width = Math.round(width * scale);
        canvas.height = Math.round(height * scale);
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        var image = context.getImageData(0, 0, canvas.width, canvas.height);
        var found = jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
        return Promise.resolve(found ? found.data : "");
      };
    });
  }

  function send(code) {
    busy = true;
    show("", text("sending"));
    var body = new FormData();
    body.append("code", code);
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    return fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": token ? token.value : "" }
    }).then(function (response) {
      // Not JSON: signed out meanwhile (the login page answered). Reload to show it.
      if ((response.headers.get("Content-Type") || "").indexOf("application/json") === -1) {
        window.location.reload();
        throw new Error("not json");
      }
      return response.json();
    }).then(function (answer) {
      show(answer.result || "error", answer.message || "");
    }).catch(function () {
      show("error", text("network"));
    }).then(function () {
      lastCode = code;
      lastTime = Date.now();
      busy = false;
    });
  }

  function scan() {
    if (!stream) return;
    if (busy || video.readyState < 2) {
      timer = window.setTimeout(scan, SCAN_INTERVAL_MS);
      return;
    }
    detector().then(function (code) {
      if (code && !(code === lastCode && Date.now() - lastTime < SAME_CODE_PAUSE_MS)) {
        return send(code);
      }
    }).catch(function () { /* an unreadable frame: try the next one */ }).then(function () {
      if (stream) timer = window.setTimeout(scan, SCAN_INTERVAL_MS);
    });
  }

  function stop() {
    window.clearTimeout(timer);
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    video.hidden = true;
    stopButton.hidden = true;
    startButton.hidden = false;
    status.textContent = "";
  }

  startButton.addEventListener("click", function () {
    status.textContent = text("starting");
    startButton.disabled = true;
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        video.hidden = false;
        return video.play();
      })
      .then(makeReader)
      .then(function (reader) {
        detector = reader;
        startButton.hidden = true;
        stopButton.hidden = false;
        status.textContent = text("scanning");
        scan();
      })
      .catch(function () {
        stop();
        status.textContent = text("no-camera");
      })
      .then(function () { startButton.disabled = false; });
  });
  stopButton.addEventListener("click", stop);
  window.addEventListener("pagehide", stop);
})();
