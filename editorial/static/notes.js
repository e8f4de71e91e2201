/* Notes in place (issue 11): a note marker opens its note beside the text instead of jumping to
 * the foot of the page.
 *
 * The page itself is unchanged: every marker is still a link to its note at the foot
 * (`konr.html#konr-reserve-army` opens it), which is what a reader without JavaScript, a printer
 * and a search engine get.  This script only adds a disclosure to each marker (WAI-ARIA
 * disclosure pattern: aria-expanded, aria-controls): the note's text, copied into a panel that
 * follows the marker in the document, so a screen reader meets it right after the marker.
 *
 * Where the page has a free margin to the right of the text (desktop widths), the panel is a
 * margin note level with its marker; open margin notes are laid out top to bottom so that none
 * overlaps another.  A note too tall for the margin, and every note on a narrow screen, opens as
 * a popover under the marker's line, over the text.  A second click or tap on the marker, the
 * panel's close button, or Escape closes it; a tap outside closes a popover.  Ctrl-, Shift- or
 * middle-click still follow the link to the foot of the page.
 */
(() => {
  "use strict";

  const MARGIN_MIN_WIDTH = 200; // px of free space right of the text before margin notes are used
  const MARGIN_MAX_WIDTH = 320;
  const GAP = 12; // px between the text and a margin note, and between two margin notes
  const TALL = 0.7; // a margin note taller than this share of the window opens as a popover

  const article = document.querySelector("article.bd-article") || document.querySelector("[role=main]");
  if (!article) return;
  const markers = [...article.querySelectorAll("a.footnote-reference[href^='#']")];
  if (!markers.length) return;

  const open = []; // panels currently shown, in the order they were opened
  let counter = 0;

  function textColumn() {
    // The article's content box: where the reading text runs.
    const box = article.getBoundingClientRect();
    const style = getComputedStyle(article);
    return {
      left: box.left + parseFloat(style.paddingLeft),
      right: box.right - parseFloat(style.paddingRight),
    };
  }

  function marginRoom() {
    const viewport = document.documentElement.clientWidth;
    const room = viewport - textColumn().right - 3 * GAP;
    return room >= MARGIN_MIN_WIDTH ? Math.min(room, MARGIN_MAX_WIDTH) : 0;
  }

  function block(marker) {
    // The nearest block around the marker: the panel is positioned inside it.
    let node = marker.parentElement;
    while (node && node !== article && getComputedStyle(node).display.startsWith("inline")) {
      node = node.parentElement;
    }
    return node || article;
  }

  function buildPanel(marker, note) {
    const panel = document.createElement("span");
    panel.className = "edition-note-panel";
    panel.id = `note-panel-${++counter}`;
    panel.hidden = true;
    panel.setAttribute("role", "note");
    const number = (note.querySelector(".label a, .label") || marker).textContent.replace(/[[\]\s]/g, "");
    panel.setAttribute("aria-label", `Note ${number}`);

    const head = document.createElement("span");
    head.className = "edition-note-head";
    const label = document.createElement("a");
    label.className = "edition-note-number";
    label.href = marker.getAttribute("href");
    label.textContent = number;
    label.title = "This note at the foot of the page";
    head.append(label);
    const close = document.createElement("button");
    close.type = "button";
    close.className = "edition-note-close";
    close.textContent = "×";
    close.setAttribute("aria-label", `Close note ${number}`);
    close.addEventListener("click", () => hide(panel, true));
    head.append(close);
    panel.append(head);

    const body = document.createElement("span");
    body.className = "edition-note-body";
    for (const child of note.children) {
      if (child.classList.contains("label")) continue;
      const copy = child.cloneNode(true);
      // The note keeps its ids at the foot of the page; the copy must not repeat them.
      copy.removeAttribute("id");
      copy.querySelectorAll("[id]").forEach((element) => element.removeAttribute("id"));
      const wrapper = document.createElement("span");
      wrapper.className = "edition-note-paragraph";
      wrapper.append(...copy.childNodes);
      body.append(wrapper);
    }
    panel.append(body);
    panel.editionMarker = marker;
    return panel;
  }

  function setup(marker) {
    const note = document.getElementById(decodeURIComponent(marker.getAttribute("href").slice(1)));
    if (!note || !note.matches("aside.footnote, .footnote")) return;
    const panel = buildPanel(marker, note);
    marker.after(panel);
    marker.editionPanel = panel;
    marker.setAttribute("aria-expanded", "false");
    marker.setAttribute("aria-controls", panel.id);
    marker.addEventListener("click", (event) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey || event.button !== 0) return;
      event.preventDefault();
      if (panel.hidden) show(panel);
      else hide(panel, false);
    });
  }

  function show(panel) {
    // Popovers are one at a time, as a phone's screen holds one; margin notes stack.
    for (const other of [...open]) if (other.classList.contains("edition-note-popover")) hide(other, false);
    panel.hidden = false;
    panel.editionMarker.setAttribute("aria-expanded", "true");
    open.push(panel);
    layout();
  }

  function hide(panel, returnFocus) {
    if (panel.hidden) return;
    panel.hidden = true;
    panel.editionMarker.setAttribute("aria-expanded", "false");
    open.splice(open.indexOf(panel), 1);
    if (returnFocus || panel.contains(document.activeElement)) panel.editionMarker.focus();
    layout();
  }

  function place(panel, mode, room) {
    const marker = panel.editionMarker;
    const container = block(marker);
    container.classList.add("edition-note-anchor");
    const base = container.getBoundingClientRect();
    const line = marker.getBoundingClientRect();
    panel.classList.toggle("edition-note-margin", mode === "margin");
    panel.classList.toggle("edition-note-popover", mode === "popover");
    if (mode === "margin") {
      panel.style.width = `${room}px`;
      panel.style.left = `${textColumn().right + GAP - base.left}px`;
      panel.style.top = `${line.top - base.top}px`;
    } else {
      const column = textColumn();
      const left = Math.max(column.left, base.left);
      panel.style.width = `${Math.min(column.right, base.right) - left}px`;
      panel.style.left = `${left - base.left}px`;
      // Just under the marker's line box: the parent's line height, not the marker's own.
      const lineHeight = parseFloat(getComputedStyle(container).lineHeight) || line.height;
      panel.style.top = `${line.top - base.top + Math.max(line.height, lineHeight * 0.8) + 4}px`;
      panel.style.setProperty("--edition-note-arrow", `${line.left + line.width / 2 - left}px`);
    }
  }

  function layout() {
    const room = marginRoom();
    const margin = [];
    for (const panel of open) {
      place(panel, room ? "margin" : "popover", room);
      if (room && panel.getBoundingClientRect().height > window.innerHeight * TALL) {
        place(panel, "popover", room);
      } else if (room) {
        margin.push(panel);
      }
    }
    // Margin notes in reading order; each starts level with its marker or below the one above.
    margin.sort((a, b) => a.editionMarker.getBoundingClientRect().top - b.editionMarker.getBoundingClientRect().top);
    let bottom = -Infinity;
    for (const panel of margin) {
      const box = panel.getBoundingClientRect();
      const shift = Math.max(0, bottom + GAP - box.top);
      if (shift) panel.style.top = `${parseFloat(panel.style.top) + shift}px`;
      bottom = box.bottom + shift;
    }
    // The theme folds its in-page contents away while margin content is on screen.
    const secondary = document.querySelector(".bd-sidebar-secondary");
    if (secondary) secondary.classList.toggle("hide", margin.length > 0);
  }

  markers.forEach(setup);

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !open.length) return;
    const focused = open.find((panel) => panel.contains(document.activeElement) || panel.editionMarker === document.activeElement);
    hide(focused || open[open.length - 1], true);
  });
  // A tap or click outside closes popovers; margin notes stay until closed.
  document.addEventListener("pointerdown", (event) => {
    for (const panel of [...open]) {
      if (panel.classList.contains("edition-note-popover") && !panel.contains(event.target)
          && !panel.editionMarker.contains(event.target)) hide(panel, false);
    }
  });
  window.addEventListener("resize", layout);
  if (document.fonts) document.fonts.ready.then(layout);
})();
