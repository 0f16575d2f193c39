/**
 * Entry point of the Onthaal chat widget.
 *
 * Embed it on any site with one tag:
 *   <script type="module" src="https://onthaal.example/widget/widget.js" data-server="https://rasa.example"
 *           data-lang="bg"></script>
 * data-server: Rasa's base URL (empty: same origin). data-lang: optional language code to start in.
 * data-container: CSS selector of the element to fill (default `#onthaal`, appended to <body> when missing).
 * The stylesheet next to this file is added to the page when the page has not linked it itself.
 * An element with `data-fullpage` makes the widget own the document's lang, dir and title (index.html).
 * Reception desk (coach service, /reception): data-mode="reception", data-staff="<username>",
 * data-token="<signed token>": Rasa's `reception` channel adds a Dutch line to every message and button, and
 * every message carries the staff member's token and remarks as metadata. data-token-url: where the page gets a
 * new token (the token lives 15 minutes; see reception.js, loaded only at the desk).
 *
 * This module is small on purpose: it sends the greeting at once and only then waits for the rest of the widget
 * (chat.js and what it imports), so the first answer is on its way while a slow phone is still loading.
 */

import { newId, newSenderId, SessionStore, safeStorage } from "./session.js";
import { greeting, messageMetadata, RestTransport } from "./transport.js";

const SESSION_KEY = "onthaal.session";

function ownScript() {
  const here = new URL(import.meta.url);
  here.search = "";
  here.hash = "";
  for (const script of document.querySelectorAll("script[src]")) {
    const src = new URL(script.src, document.baseURI);
    src.search = "";
    src.hash = "";
    if (src.href === here.href) return script;
  }
  return null;
}

async function mount() {
  const script = ownScript();
  const data = script ? script.dataset : {};
  const configured = (data.server || "").trim();
  // An unreplaced {{RASA_URL}} placeholder means "no server configured": talk to our own origin.
  const server = configured && !configured.includes("{{") ? configured : window.location.origin;
  const selector = data.container || "#onthaal";
  let root = document.querySelector(selector);
  if (!root) {
    root = document.createElement("div");
    root.id = "onthaal";
    document.body.append(root);
  }
  // The full page carries the stylesheet inline (the coach service inlines it), a host page may link it.
  if (!document.querySelector('[data-onthaal-style], link[href$="widget.css"]')) {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = new URL("widget.css", import.meta.url).href;
    link.dataset.onthaalStyle = "";
    document.head.append(link);
  }
  const reception =
    data.mode === "reception" && data.token ? { staff: (data.staff || "").trim(), token: data.token.trim() } : null;
  const transport = new RestTransport(server, { channel: reception ? "reception" : "rest" });
  // The reception desk is a shared computer: its conversation lives only as long as the browser tab.
  const senderPrefix = reception ? "desk" : "web";
  const store = new SessionStore(
    safeStorage(reception ? "session" : "local"),
    reception ? "onthaal.reception" : SESSION_KEY,
    undefined,
    senderPrefix,
  );
  const startLanguage = (data.lang || "").trim().toLowerCase();
  let early = null;
  if (!store.load()) {
    // A new conversation: greet Rasa now, while the rest of the widget is still loading.
    const entry = { id: newId(), sender: newSenderId(senderPrefix), message: greeting(startLanguage), silent: false };
    early = { entry, promise: transport.send(entry.sender, entry.message, messageMetadata(entry, reception)) };
    early.promise.catch(() => {}); // handled by the widget when it adopts the answer
  }
  const words = import("./strings.js").then(async (module) => ({ ...module, english: await module.builtInEnglish() }));
  const [{ ChatWidget }, { Strings, english }, desk] = await Promise.all([
    import("./chat.js"),
    words,
    reception &&
      Promise.all([import("./reception.js"), words]).then(
        ([module, { english }]) => new module.ReceptionDesk(reception, { tokenUrl: data.tokenUrl, english }),
      ),
  ]);
  const widget = new ChatWidget({
    root,
    transport,
    strings: new Strings({ english }),
    store,
    prefs: safeStorage("local"),
    startLanguage,
    fullPage: root.hasAttribute("data-fullpage"),
    desk,
  });
  await widget.start(early);
  return widget;
}

if (typeof document !== "undefined") {
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount, { once: true });
  else mount();
}
