// The paragraph number's control: "Copy link" and "Copy citation".
//
// Without this script the number is what the HTML says, a plain link to the paragraph
// (konr.html#p3).  With it, following that link (by click, or Enter on the focused number) also
// opens two buttons beside the number; Escape closes them and returns to the number.  The
// citation is the chapter's Chicago note with the paragraph as locator and its address: the page
// carries it (#paragraph-citation) as citeproc-py rendered it, cut where the number goes.
// A status line, announced to screen readers, says what was copied.
(() => {
  "use strict";
  const data = document.getElementById("paragraph-citation");
  const parts = data ? JSON.parse(data.textContent).parts : null;
  let menu = null;
  let opener = null;
  let statusTimer = null;

  const status = document.createElement("div");
  status.className = "paracite-status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  document.body.appendChild(status);

  function announce(message) {
    status.textContent = "";
    // A fresh text node after clearing is announced even when the message repeats.
    window.requestAnimationFrame(() => {
      status.textContent = message;
      status.classList.add("visible");
    });
    clearTimeout(statusTimer);
    statusTimer = setTimeout(() => status.classList.remove("visible"), 6000);
  }

  function plainText(html) {
    return new DOMParser().parseFromString(html, "text/html").body.textContent;
  }

  function citation(number) {
    return plainText(parts.join(number));
  }

  function fallbackCopy(text) {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "paracite-offscreen";
    document.body.appendChild(area);
    area.select();
    let copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    area.remove();
    return copied;
  }

  async function copy(text, what) {
    let copied = false;
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        copied = true;
      } catch (error) {
        copied = false;
      }
    }
    if (!copied) copied = fallbackCopy(text);
    announce(copied ? `${what} copied: ${text}` : `Could not copy. Select and copy it here: ${text}`);
    if (copied && opener) {
      opener.classList.add("copied");
      const link = opener;
      setTimeout(() => link.classList.remove("copied"), 1500);
    }
  }

  function close(returnFocus) {
    if (!menu) return;
    menu.remove();
    menu = null;
    opener.setAttribute("aria-expanded", "false");
    if (returnFocus) opener.focus();
  }

  function button(label, onClick) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = "paracite-button";
    element.textContent = label;
    element.addEventListener("click", onClick);
    return element;
  }

  function open(link) {
    close(false);
    opener = link;
    const ident = link.getAttribute("href").slice(1);
    const number = ident.slice(1);
    const address = new URL(link.getAttribute("href"), window.location.href).href;
    menu = document.createElement("span");
    menu.className = "paracite-menu";
    menu.id = "paracite-menu";
    menu.setAttribute("role", "group");
    menu.setAttribute("aria-label", `Cite ${link.getAttribute("aria-label")}`);
    menu.appendChild(button("Copy link", () => copy(address, "Link")));
    // Furniture lines (f1, f2, …) are not the author's paragraphs: their address only.
    if (parts && /^p\d+$/.test(ident)) {
      menu.appendChild(button("Copy citation", () => copy(citation(number), "Citation")));
    }
    link.after(menu);
    link.setAttribute("aria-controls", menu.id);
    link.setAttribute("aria-expanded", "true");
    // After the link's own navigation to #pN, which would otherwise take the focus back.
    const first = menu.querySelector("button");
    setTimeout(() => first.isConnected && first.focus(), 0);
  }

  for (const link of document.querySelectorAll("a.paranum")) {
    link.setAttribute("aria-expanded", "false");
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a.paranum");
    if (link) {
      // The link is still followed: the address bar shows the paragraph's address.
      if (menu && opener === link) close(false);
      else open(link);
    } else if (menu && !menu.contains(event.target)) {
      close(false);
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menu) {
      event.preventDefault();
      close(true);
    }
  });

  document.addEventListener("focusin", (event) => {
    if (menu && !menu.contains(event.target) && event.target !== opener) close(false);
  });
})();
