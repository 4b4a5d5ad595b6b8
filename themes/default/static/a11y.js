/* bulletin default theme: 长辈模式, 高对比度, 字号 大/中/小, 打印 and 朗读.
   Progressive enhancement: every page reads the same without this script (the switches stay
   hidden). With it, the switches appear as ordinary buttons (keyboard and screen readers use them
   as any button, their state in aria-pressed), and the reader's choice is remembered in this
   browser (localStorage) and applied here, in <head>, before the page is drawn, so a page never
   flashes in the other mode. Nothing is fetched and nothing is sent anywhere. */
(function () {
  "use strict";
  var KEY = "bulletin-a11y";
  var root = document.documentElement;
  var FONTS = ["large", "medium", "small"];

  function load() {
    try {
      var s = JSON.parse(window.localStorage.getItem(KEY) || "{}");
      return s && typeof s === "object" ? s : {};
    } catch (e) {
      return {};
    }
  }
  function save() {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(state));
    } catch (e) {
      /* private browsing or storage off: the choice lasts for this page only */
    }
  }

  var state = load();

  function apply() {
    root.classList.toggle("mode-large", state.large === true);
    root.classList.toggle("mode-contrast", state.contrast === true);
    root.classList.toggle("font-large", state.font === "large");
    root.classList.toggle("font-small", state.font === "small");
    var buttons = document.querySelectorAll("[data-a11y-mode]");
    for (var i = 0; i < buttons.length; i++) {
      var on = state[buttons[i].getAttribute("data-a11y-mode")] === true;
      buttons[i].setAttribute("aria-pressed", on ? "true" : "false");
    }
    var font = FONTS.indexOf(state.font) >= 0 ? state.font : "medium";
    var sizes = document.querySelectorAll("[data-a11y-font]");
    for (var j = 0; j < sizes.length; j++) {
      var pressed = sizes[j].getAttribute("data-a11y-font") === font;
      sizes[j].setAttribute("aria-pressed", pressed ? "true" : "false");
    }
  }
  apply();

  function show(selector) {
    var els = document.querySelectorAll(selector);
    for (var i = 0; i < els.length; i++) els[i].hidden = false;
    return els;
  }

  function wireSwitches() {
    var modes = show(".a11y-bar").length ? document.querySelectorAll("[data-a11y-mode]") : [];
    for (var i = 0; i < modes.length; i++) {
      modes[i].addEventListener("click", function (ev) {
        var mode = ev.currentTarget.getAttribute("data-a11y-mode");
        state[mode] = state[mode] !== true;
        save();
        apply();
      });
    }
    show(".article-tools");
    var sizes = document.querySelectorAll("[data-a11y-font]");
    for (var j = 0; j < sizes.length; j++) {
      sizes[j].addEventListener("click", function (ev) {
        state.font = ev.currentTarget.getAttribute("data-a11y-font");
        save();
        apply();
      });
    }
    var print = document.querySelectorAll("[data-a11y-print]");
    for (var k = 0; k < print.length; k++) {
      print[k].addEventListener("click", function () {
        window.print();
      });
    }
    var read = document.querySelector("[data-a11y-read]");
    if (read) wireReading(read);
    // Another tab changed the choice: follow it.
    window.addEventListener("storage", function (ev) {
      if (ev.key === KEY) {
        state = load();
        apply();
      }
    });
  }

  /* 朗读: the title and the body, in the page's language, by the browser's own speech
     synthesis; the button starts and stops it. Long texts are spoken sentence by sentence, since
     some browsers cut one long utterance short. */
  function wireReading(button) {
    var synth = window.speechSynthesis;
    if (!synth || typeof window.SpeechSynthesisUtterance !== "function") return;
    var target = document.querySelector(button.getAttribute("data-a11y-read"));
    if (!target) return;
    button.hidden = false;
    var reading = false;
    function set(on) {
      reading = on;
      button.setAttribute("aria-pressed", on ? "true" : "false");
    }
    function stop() {
      synth.cancel();
      set(false);
    }
    button.addEventListener("click", function () {
      if (reading) {
        stop();
        return;
      }
      var title = document.querySelector("h1");
      var text = (title ? title.textContent + "。\n" : "") + target.innerText;
      var parts = text.match(/[^。！？；\n]+[。！？；]*/g) || [];
      parts = parts.map(function (p) { return p.trim(); }).filter(function (p) { return p; });
      if (!parts.length) return;
      synth.cancel();
      set(true);
      var lang = root.getAttribute("lang") || "zh-CN";
      parts.forEach(function (part, i) {
        var u = new window.SpeechSynthesisUtterance(part);
        u.lang = lang;
        if (i === parts.length - 1) u.onend = function () { set(false); };
        u.onerror = function () { set(false); };
        synth.speak(u);
      });
    });
    window.addEventListener("pagehide", stop);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      apply();
      wireSwitches();
    });
  } else {
    apply();
    wireSwitches();
  }
})();
