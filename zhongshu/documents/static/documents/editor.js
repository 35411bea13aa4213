// The drafting form (issue 4 item 1). Loaded as a file: the CSP forbids inline scripts.
//
// The body is edited as blocks — paragraphs and the four heading levels of GB/T 9704 (一、 （一）
// 1. （1）) — that can be added, removed, moved and given another level. The blocks are sent as
// JSON in the hidden "body_json" field. Without JavaScript the form shows a plain textarea (one
// paragraph per line) and the server reads the headings from their ordinals.
//
// The rest of the form: the kind proposes the usual direction and format, fields that do not
// apply are hidden (the period of secrecy, the reason for not disclosing, the 纪要 lists), the
// directory pickers get a filter box, and a form sent once cannot be sent again by a second click.
(function () {
  "use strict";

  var HEADINGS = [
    [1, /^[一二三四五六七八九十百零〇]+、/],
    [2, /^[（(][一二三四五六七八九十百零〇]+[）)]/],
    [3, /^\d+[.．](?!\d)/],
    [4, /^[（(]\d+[）)]/]
  ];

  function headingLevel(text) {
    for (var i = 0; i < HEADINGS.length; i++) {
      if (HEADINGS[i][1].test(text)) return HEADINGS[i][0];
    }
    return 0;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // --- The structured body editor -----------------------------------------------------------

  function Editor(container) {
    var form = container.closest("form");
    this.container = container;
    this.root = container.querySelector("[data-editor-root]");
    this.fallback = container.querySelector("[data-editor-fallback]");
    this.textarea = this.fallback.querySelector("textarea");
    this.hidden = form.querySelector("input[name=body_json]");
    this.labels = container.dataset;
    var blocks = [];
    try { blocks = JSON.parse(container.getAttribute("data-blocks") || "[]"); } catch (e) { blocks = []; }
    if (!Array.isArray(blocks)) blocks = [];
    this.list = el("ol", { "class": "draft-blocks list-unstyled mb-2" });
    this.root.appendChild(el("p", { "class": "form-text mt-0", id: "editor-help" }, this.labels.labelHelp));
    this.root.appendChild(this.list);
    this.empty = el("p", { "class": "text-secondary small draft-empty" }, this.labels.labelEmpty);
    this.root.appendChild(this.empty);
    this.root.appendChild(this.toolbar());
    var self = this;
    blocks.forEach(function (b) {
      if (b && typeof b === "object") self.append(Number(b.level) || 0, String(b.text || ""));
    });
    if (!blocks.length) this.append(0, "");
    this.fallback.hidden = true;
    this.root.hidden = false;
    this.sync();
    form.addEventListener("submit", function () { self.sync(); });
  }

  Editor.prototype.toolbar = function () {
    var self = this;
    var bar = el("div", { "class": "d-flex flex-wrap gap-1 draft-toolbar" });
    var paragraph = el("button", { type: "button", "class": "btn btn-sm btn-outline-primary", "data-add-level": "0" });
    paragraph.appendChild(el("i", { "class": "bi bi-plus-lg", "aria-hidden": "true" }));
    paragraph.appendChild(document.createTextNode(" " + this.labels.labelAddParagraph));
    bar.appendChild(paragraph);
    for (var level = 1; level <= 4; level++) {
      bar.appendChild(el("button", {
        type: "button", "class": "btn btn-sm btn-outline-secondary", "data-add-level": String(level)
      }, this.labels["labelLevel" + level]));
    }
    bar.addEventListener("click", function (event) {
      var button = event.target.closest("[data-add-level]");
      if (!button) return;
      var row = self.append(Number(button.getAttribute("data-add-level")), "");
      self.sync();
      row.querySelector("textarea").focus();
    });
    return bar;
  };

  Editor.prototype.levelSelect = function (level) {
    var select = el("select", { "class": "form-select form-select-sm block-level" });
    for (var i = 0; i <= 4; i++) {
      var option = el("option", { value: String(i) }, this.labels["labelLevel" + i]);
      if (i === level) option.selected = true;
      select.appendChild(option);
    }
    return select;
  };

  Editor.prototype.tool = function (action, icon, label) {
    var button = el("button", {
      type: "button", "class": "btn btn-outline-secondary", "data-act": action, title: label, "aria-label": label
    });
    button.appendChild(el("i", { "class": "bi bi-" + icon, "aria-hidden": "true" }));
    return button;
  };

  Editor.prototype.row = function (level, text) {
    var self = this;
    var row = el("li", { "class": "draft-block", "data-level": String(level) });
    var head = el("div", { "class": "draft-block-head" });
    var select = this.levelSelect(level);
    head.appendChild(select);
    var tools = el("div", { "class": "btn-group btn-group-sm draft-block-tools", role: "group" });
    tools.appendChild(this.tool("up", "arrow-up", this.labels.labelUp));
    tools.appendChild(this.tool("down", "arrow-down", this.labels.labelDown));
    tools.appendChild(this.tool("add", "plus-lg", this.labels.labelAdd));
    tools.appendChild(this.tool("remove", "x-lg", this.labels.labelRemove));
    head.appendChild(tools);
    var area = el("textarea", { "class": "form-control block-text", rows: "1", "aria-describedby": "editor-help" });
    area.value = text;
    row.appendChild(head);
    row.appendChild(area);
    select.addEventListener("change", function () {
      row.setAttribute("data-level", select.value);
      self.sync();
    });
    area.addEventListener("input", function () { self.grow(area); self.sync(); });
    area.addEventListener("keydown", function (event) { self.key(event, row, area); });
    area.addEventListener("paste", function (event) { self.paste(event, row, area); });
    tools.addEventListener("click", function (event) {
      var button = event.target.closest("[data-act]");
      if (button) self.act(button.getAttribute("data-act"), row);
    });
    return row;
  };

  Editor.prototype.append = function (level, text, after) {
    var row = this.row(level, text);
    if (after) after.after(row); else this.list.appendChild(row);
    this.grow(row.querySelector("textarea"));
    return row;
  };

  Editor.prototype.grow = function (area) {
    // Through the CSSOM, which the CSP allows (style attributes in the markup it does not).
    area.style.height = "auto";
    area.style.height = area.scrollHeight + 2 + "px";
  };

  Editor.prototype.act = function (action, row) {
    var focus = row.querySelector("textarea");
    if (action === "up" && row.previousElementSibling) {
      row.previousElementSibling.before(row);
    } else if (action === "down" && row.nextElementSibling) {
      row.nextElementSibling.after(row);
    } else if (action === "add") {
      focus = this.append(0, "", row).querySelector("textarea");
    } else if (action === "remove") {
      var next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      focus = next ? next.querySelector("textarea") : null;
    }
    this.sync();
    if (focus) focus.focus();
    else this.root.querySelector("[data-add-level]").focus();
  };

  Editor.prototype.key = function (event, row, area) {
    if (event.isComposing || event.keyCode === 229) return;  // a Chinese input method is busy
    if (event.key === "Enter" && !event.shiftKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      var rest = area.value.slice(area.selectionEnd);
      area.value = area.value.slice(0, area.selectionStart);
      this.grow(area);
      var next = this.append(0, rest, row).querySelector("textarea");
      next.focus();
      next.setSelectionRange(0, 0);
      this.sync();
    } else if (event.key === "Backspace" && area.selectionStart === 0 && area.selectionEnd === 0) {
      var previous = row.previousElementSibling;
      if (!previous) return;
      event.preventDefault();
      var target = previous.querySelector("textarea");
      var at = target.value.length;
      target.value += area.value;
      row.remove();
      this.grow(target);
      target.focus();
      target.setSelectionRange(at, at);
      this.sync();
    }
  };

  Editor.prototype.paste = function (event, row, area) {
    var text = (event.clipboardData || window.clipboardData).getData("text");
    var lines = text.split(/\r?\n/).map(function (l) { return l.trim(); }).filter(Boolean);
    if (lines.length < 2) return;
    event.preventDefault();
    var before = area.value.slice(0, area.selectionStart);
    var after = area.value.slice(area.selectionEnd);
    area.value = before + lines[0];
    if (!before) row.setAttribute("data-level", String(headingLevel(lines[0])));
    row.querySelector("select").value = row.getAttribute("data-level");
    this.grow(area);
    var last = row;
    for (var i = 1; i < lines.length; i++) {
      last = this.append(headingLevel(lines[i]), lines[i], last);
    }
    var tail = last.querySelector("textarea");
    var end = tail.value.length;
    tail.value += after;
    this.grow(tail);
    tail.focus();
    tail.setSelectionRange(end, end);
    this.sync();
  };

  Editor.prototype.blocks = function () {
    var blocks = [];
    this.list.querySelectorAll(".draft-block").forEach(function (row) {
      blocks.push({
        level: Number(row.querySelector("select").value) || 0,
        text: row.querySelector("textarea").value
      });
    });
    return blocks;
  };

  Editor.prototype.sync = function () {
    var blocks = this.blocks();
    var labels = this.labels;
    this.list.querySelectorAll(".draft-block").forEach(function (row, index) {
      var name = labels.labelBlock.replace("%(n)s", String(index + 1));
      row.querySelector("select").setAttribute("aria-label", name + " · " + labels.labelLevel);
      row.querySelector("textarea").setAttribute("aria-label", name + " · " + labels.labelText);
    });
    this.empty.hidden = blocks.length > 0;
    this.hidden.value = JSON.stringify(blocks);
    // The fallback textarea follows, so the text is never lost whichever one the server reads.
    this.textarea.value = blocks.map(function (b) { return b.text; }).join("\n");
  };

  // --- The rest of the form -----------------------------------------------------------------

  function show(form, selector, visible) {
    form.querySelectorAll(selector).forEach(function (node) { node.hidden = !visible; });
  }

  function setupForm(form) {
    var kind = form.querySelector("[name=kind]");
    var layout = form.querySelector("[name=layout]");
    var direction = form.querySelector("[name=direction]");
    var classification = form.querySelector("[name=classification]");
    var directions = JSON.parse(form.getAttribute("data-usual-directions") || "{}");
    var layouts = JSON.parse(form.getAttribute("data-usual-layouts") || "{}");
    var touched = { layout: false, direction: false };
    layout.addEventListener("change", function () { touched.layout = true; refresh(); });
    direction.addEventListener("change", function () { touched.direction = true; });
    kind.addEventListener("change", function () {
      if (!touched.direction) direction.value = directions[kind.value] || "";
      if (!touched.layout) layout.value = layouts[kind.value] || "file";
      refresh();
    });
    function refresh() {
      show(form, "[data-show-when-classified]", Number(classification.value) >= 2 ||
        !!form.querySelector("[name=secrecy_period]").value);
      var withheld = form.querySelector("[name=disclosure]:checked");
      show(form, "[data-show-when-withheld]", !!withheld && withheld.value === "withheld");
      var minutes = layout.value === "minutes" || kind.value === "minutes";
      var lists = ["present", "absent", "attending"].some(function (name) {
        return form.querySelector("[name=" + name + "]").value.trim();
      });
      show(form, "[data-show-when-minutes]", minutes || lists);
    }
    form.addEventListener("change", refresh);
    refresh();

    // Directory pickers: a filter box over the checkboxes.
    form.querySelectorAll("[data-picker-filter]").forEach(function (input) {
      input.hidden = false;
      var box = input.nextElementSibling;
      input.addEventListener("input", function () {
        var q = input.value.trim().toLowerCase();
        box.querySelectorAll("[data-picker-group]").forEach(function (group) {
          var any = false;
          group.querySelectorAll("[data-picker-option]").forEach(function (option) {
            var match = !q || option.textContent.toLowerCase().indexOf(q) !== -1 ||
              option.querySelector("input").checked;
            option.hidden = !match;
            any = any || match;
          });
          group.hidden = !any;
        });
      });
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter") event.preventDefault();  // filtering, not saving
      });
    });

    // A form sent once is not sent again by a second click; nothing typed is lost by leaving.
    var dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-sent")) { event.preventDefault(); return; }
      form.setAttribute("data-sent", "1");
      dirty = false;
      form.querySelectorAll("[data-save]").forEach(function (b) { b.disabled = true; });
    });
    window.addEventListener("pageshow", function () {
      form.removeAttribute("data-sent");
      form.querySelectorAll("[data-save]").forEach(function (b) { b.disabled = false; });
    });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) { event.preventDefault(); event.returnValue = ""; }
    });
  }

  function init() {
    document.querySelectorAll("[data-editor]").forEach(function (c) { new Editor(c); });
    document.querySelectorAll("form[data-draft-form]").forEach(setupForm);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
