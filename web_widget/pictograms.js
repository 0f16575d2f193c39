/**
 * Simple pictograms on answer buttons, for people who read with difficulty.
 *
 * Chosen by the button's payload (`/affirm`, `/choose_need{"need_group":"housing"}` ...), never by its title,
 * so they are the same in every language. Unknown payloads get no pictogram: a button without one still works.
 * Pictograms are decorative (aria-hidden): the translated title stays the button's accessible name.
 * Pure (no DOM) except `pictogramSvg`, so the mapping is unit-tested with `node --test`.
 */

// 24x24 stroke paths; kept tiny on purpose (the whole widget must stay under 50 kB gzipped).
const RING = "M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18";
export const PATHS = Object.freeze({
  yes: "M4.5 12.5l5 5 10-11",
  no: "M6 6l12 12M18 6L6 18",
  skip: "M4 12h14M13 6l6 6-6 6",
  none: `${RING}M5.6 5.6l12.8 12.8`,
  private: "M6 11h12v9H6zM9 11V8a3 3 0 0 1 6 0v3M12 14.5v2",
  change: "M4 20h4L19 9l-4-4L4 16zM13.5 6.5l4 4",
  home: "M3 11.5L12 4l9 7.5M5.5 9.5V20h13V9.5M10 20v-5.5h4V20",
  money: `${RING}M15 8.8a4 4 0 1 0 0 6.4M7.5 11h6M7.5 13h6`,
  health: "M12 20s-7.5-4.6-7.5-10.2A4.2 4.2 0 0 1 12 7.3a4.2 4.2 0 0 1 7.5 2.5C19.5 15.4 12 20 12 20zM12 10v5M9.5 12.5h5",
  family:
    "M8 4.5a2.5 2.5 0 1 0 0 5a2.5 2.5 0 1 0 0-5M16.5 7a2 2 0 1 0 0 4a2 2 0 1 0 0-4M3.5 20v-4.5a4.5 4.5 0 0 1 9 0V20M13 20v-3.5a3.5 3.5 0 0 1 7 0V20",
  talk: "M4 5h16v11H10l-5 4v-4H4zM8 9.5h8M8 12.5h5",
  work: "M3 8h18v11H3zM9 8V5h6v3M3 13h18",
  school: "M12 6.5C10 5 7 4.5 4 5v13c3-.5 6 0 8 1.5 2-1.5 5-2 8-1.5V5c-3-.5-6 0-8 1.5zM12 6.5v13",
  phone: "M8 3h8v18H8zM11 18h2",
  mail: "M3 6h18v12H3zM3 6l9 7 9-7",
  helper: "M9 4a3 3 0 1 0 0 6a3 3 0 1 0 0-6M3 20v-3a6 6 0 0 1 12 0v3M16 11l2 2 4-4",
  door: "M6 21V3h12v18M4 21h16M14.5 12h.01",
  clock: `${RING}M12 7v5l3 2`,
  globe: `${RING}M3 12h18M12 3c-3 3.5-3 14.5 0 18M12 3c3 3.5 3 14.5 0 18`,
  larger: "M2.5 19l5-14 5 14M4.5 14h6M18 8v8M14 12h8",
  restart: "M4 12a8 8 0 1 0 2.4-5.7M4 4v5h5",
  bin: "M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13M10 11v6M14 11v6",
  speaker: "M4 9h4l5-4v14l-5-4H4zM16.5 8.5a5 5 0 0 1 0 7M19 6a8.5 8.5 0 0 1 0 12",
  chat: "M12 4c4.6 0 8 3 8 7s-3.4 7-8 7c-1 0-2-.1-2.9-.4L5 19l1-3.6C4.8 14.2 4 12.7 4 11c0-4 3.4-7 8-7z",
});

// Pictograms that point "forward" are mirrored in right-to-left languages.
export const MIRRORED = new Set(["skip"]);

const BY_INTENT = {
  affirm: "yes",
  confirm: "yes",
  done: "yes",
  deny: "no",
  skip: "skip",
  no_needs: "none",
  rather_not_say: "private",
  change: "change",
  change_answer: "change",
  talk_to_person: "talk",
  human: "talk",
};

const BY_VALUE = {
  housing: "home",
  money: "money",
  health: "health",
  family: "family",
  learn_dutch: "talk",
  work: "work",
  school: "school",
  digital: "phone",
  phone: "phone",
  whatsapp: "chat",
  email: "mail",
  social_worker: "helper",
  come_by: "door",
  morning: "clock",
  afternoon: "clock",
  evening: "clock",
  any: "clock",
  contact: "phone",
  name: "change",
  neighbourhood: "home",
  needs: "change",
};

const PAYLOAD = /^\/([\w-]+)\s*(\{.*\})?\s*$/s;

/** The pictogram name for a button payload, or null (no pictogram). */
export function pictogramFor(payload) {
  if (typeof payload !== "string") return null;
  const match = PAYLOAD.exec(payload.trim());
  if (!match) return null;
  const [, intent, json] = match;
  if (json) {
    try {
      for (const value of Object.values(JSON.parse(json))) {
        if (typeof value === "string" && BY_VALUE[value]) return BY_VALUE[value];
      }
    } catch {
      /* a malformed payload simply gets no pictogram from its entities */
    }
  }
  return BY_INTENT[intent] ?? null;
}

/** An inline SVG for `name`, hidden from assistive technology. */
export function pictogramSvg(name) {
  const svgNs = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(svgNs, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", MIRRORED.has(name) ? "onthaal-icon onthaal-icon--mirror" : "onthaal-icon");
  const path = document.createElementNS(svgNs, "path");
  path.setAttribute("d", PATHS[name]);
  svg.append(path);
  return svg;
}
