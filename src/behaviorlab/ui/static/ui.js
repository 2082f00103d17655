// Keyboard shortcuts for the labelling form, and the span tree's collapse/expand links.
// Plain JavaScript, no build step, no network.
(function () {
  "use strict";
  const $ = (sel) => document.querySelector(sel);

  function inField(el) {
    return el && (el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && el.type !== "radio"
      && el.type !== "checkbox") || el.tagName === "SELECT" || el.isContentEditable);
  }

  function check(id) {
    const el = document.getElementById(id);
    if (el) { el.checked = true; el.dispatchEvent(new Event("change", { bubbles: true })); }
    return Boolean(el);
  }

  function go(id) {
    const a = document.getElementById(id);
    if (a) { window.location.href = a.href; }
  }

  const form = $("#label-form");
  const help = $("#keys-help");

  function save() {
    if (!form) { return; }
    if (!form.querySelector("input[name=rating]:checked")) {
      const box = $("#rating");
      if (box) { box.classList.add("missing"); box.scrollIntoView({ block: "center" }); }
      return;
    }
    form.requestSubmit();
  }

  const useReply = $("#use-reply");
  if (useReply) {
    useReply.addEventListener("click", () => {
      const box = $("#corrected-answer");
      box.value = useReply.dataset.reply || "";
      box.focus();
    });
  }

  document.addEventListener("keydown", (ev) => {
    if (ev.altKey || ev.metaKey) { return; }
    const typing = inField(document.activeElement);
    if (typing) {
      if (ev.key === "Enter" && ev.ctrlKey) { ev.preventDefault(); save(); }
      else if (ev.key === "Escape") { document.activeElement.blur(); }
      return;
    }
    if (ev.ctrlKey) { return; }
    if (!form) { return; }
    const digit = /^Digit([0-5])$/.exec(ev.code);
    if (digit) {
      const v = digit[1];
      if (ev.shiftKey) { check(v === "0" ? "tool-none" : "tool-" + v); }
      else if (v !== "0") { check("rating-" + v); }
      ev.preventDefault();
      return;
    }
    const focus = { t: "suggested-tools", c: "comment", a: "corrected-answer" }[ev.key];
    if (focus) { ev.preventDefault(); document.getElementById(focus).focus(); return; }
    const tag = document.activeElement ? document.activeElement.tagName : "";
    switch (ev.key) {
      case "Enter":
        if (tag === "A" || tag === "BUTTON" || tag === "SUMMARY") { break; }  // their own Enter
        ev.preventDefault(); save(); break;
      case "r": if (useReply) { ev.preventDefault(); useReply.click(); } break;
      case "j": go("next-item"); break;
      case "k": go("prev-item"); break;
      case "o": { const a = $("#open-trace"); if (a) { window.open(a.href, "_blank"); } break; }
      case "?": if (help) { help.open ? help.close() : help.showModal(); } break;
      default: break;
    }
  });

  function setAll(open) {
    document.querySelectorAll("#span-tree details").forEach((d) => {
      if (!d.classList.contains("attrs")) { d.open = open; }
    });
  }
  const collapse = $("#collapse-all");
  const expand = $("#expand-all");
  if (collapse) { collapse.addEventListener("click", (ev) => { ev.preventDefault(); setAll(false); }); }
  if (expand) { expand.addEventListener("click", (ev) => { ev.preventDefault(); setAll(true); }); }
})();
