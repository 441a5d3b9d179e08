/*
 * The check-in page on a phone (workshops:check_in, workshops:walk_in).
 *
 * 1. The message of the last action (a DSFR alert) gets the focus, so that a screen reader
 *    reads it, and the next Tab lands on the code field.
 * 2. « Scanner un QR code »: where the browser has BarcodeDetector and a camera, the button
 *    shows; the first QR code read fills the code field and submits the form. The page works
 *    without it (the button stays hidden): the facilitator types the code.
 */
(function () {
  "use strict";

  function focusMessage() {
    var alert = document.querySelector(
      ".fab-workspace [role=status] .fr-alert, .fab-workspace .fr-alert--error[role=alert]"
    );
    if (!alert) {
      return false;
    }
    alert.setAttribute("tabindex", "-1");
    alert.focus();
    return true;
  }

  function setUpScanner() {
    var button = document.getElementById("scanner-qr");
    var form = document.getElementById("form-code");
    var field = form && form.querySelector("input[name=code]");
    var box = document.getElementById("scanner");
    var video = document.getElementById("scanner-video");
    var status = document.getElementById("scanner-status");
    if (!button || !field || !box || !video || !status) {
      return;
    }
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices ||
        !navigator.mediaDevices.getUserMedia) {
      return;
    }
    var label = button.textContent;
    var stream = null;
    var detector = null;

    function stop() {
      if (stream) {
        stream.getTracks().forEach(function (track) { track.stop(); });
      }
      stream = null;
      video.srcObject = null;
      box.hidden = true;
      button.textContent = label;
      button.setAttribute("aria-expanded", "false");
    }

    function scan() {
      if (!stream) {
        return;
      }
      detector.detect(video).then(function (codes) {
        var found = codes.filter(function (c) { return c.rawValue; })[0];
        if (found) {
          field.value = found.rawValue.trim();
          stop();
          form.submit();
          return;
        }
        window.requestAnimationFrame(scan);
      }).catch(function () {
        window.requestAnimationFrame(scan);
      });
    }

    button.addEventListener("click", function () {
      if (stream) {
        stop();
        field.focus();
        return;
      }
      navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}, audio: false})
        .then(function (media) {
          stream = media;
          detector = detector || new window.BarcodeDetector({formats: ["qr_code"]});
          video.srcObject = media;
          box.hidden = false;
          button.textContent = button.getAttribute("data-stop");
          button.setAttribute("aria-expanded", "true");
          return video.play();
        })
        .then(scan)
        .catch(function () {
          stop();
          status.textContent = button.getAttribute("data-unavailable");
          box.hidden = false;
          video.hidden = true;
        });
    });

    window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      if (formats.indexOf("qr_code") !== -1) {
        button.setAttribute("aria-controls", "scanner");
        button.setAttribute("aria-expanded", "false");
        button.hidden = false;
      }
    }).catch(function () { /* no QR support: the field alone */ });
  }

  function start() {
    focusMessage();
    setUpScanner();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
