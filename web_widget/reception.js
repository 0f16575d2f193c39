/**
 * The reception desk (coach service, /reception): what the widget does only there. Loaded by widget.js only in
 * reception mode.
 *
 * - The staff token lives 15 minutes: a new one is fetched every 5 minutes and when the tab is shown again
 *   (only a live staff session gets one, so after logout the token runs out).
 * - Remarks for the coach ride along with the next message the client sends (`metadata.onthaal_remarks`).
 * - The staff panel and the "in Dutch" label under Rasa's Dutch lines are always in Dutch.
 */

import { StaffPanel } from "./staff_panel.js";
import { Strings } from "./strings.js";

const TOKEN_REFRESH_MS = 5 * 60 * 1000;

/**
 * @param {{token: string}} reception updated in place (messages read it when they are sent)
 * @param {string} url where the coach service hands out a new token
 */
export function keepTokenFresh(reception, url) {
  const refresh = async () => {
    try {
      const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
      if (response.ok) reception.token = (await response.json()).token;
    } catch {
      // offline: the next round tries again
    }
  };
  setInterval(refresh, TOKEN_REFRESH_MS);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") refresh();
  });
}

export class ReceptionDesk {
  /**
   * @param {{staff: string, token: string}} reception the staff member and their token (sent with every message)
   * @param {{tokenUrl?: string, english: object}} options tokenUrl: where a new token comes from (none: the token is
   *   not renewed); english: the built-in English words (strings.js builtInEnglish())
   */
  constructor(reception, { tokenUrl = "", english }) {
    this.reception = reception;
    this.remarks = []; // {text, sent}: sent once they went along with a message
    this.strings = new Strings({ english });
    this.on = { onChange() {}, onInfo() {}, onHandBack() {} };
    if (tokenUrl) keepTokenFresh(reception, tokenUrl);
  }

  /**
   * What the desk tells the conversation: onChange (remarks changed: save), onInfo (a calm message in the
   * staff's words), onHandBack (the client has the screen again).
   */
  listen(callbacks) {
    Object.assign(this.on, callbacks);
  }

  /** The staff panel for the view (render.js calls this with the widget's id prefix). */
  buildPanel(id) {
    this.panel = new StaffPanel(id, this.reception.staff, {
      onRemark: (text) => this.addRemark(text),
      onHandBack: () => this.on.onHandBack(),
    });
    return this.panel.node;
  }

  /** Loads the Dutch words and shows them in the panel. */
  async start() {
    await this.strings.use("nl");
    this.panel?.applyWords(this.strings);
  }

  addRemark(text) {
    this.remarks.push({ text, sent: false });
    this.showRemarks();
    this.on.onInfo("widget_reception_remark_saved", this.strings);
    this.on.onChange();
  }

  /** The remarks of a stored conversation (a reload), or none (a new client). */
  setRemarks(remarks) {
    this.remarks = remarks;
    this.showRemarks();
  }

  showRemarks() {
    this.panel?.showRemarks(this.remarks.map((remark) => remark.text));
  }

  /** Gives the message the remarks not sent yet; they count as sent from now on. */
  attachRemarks(entry) {
    const pending = this.remarks.filter((remark) => !remark.sent);
    if (pending.length) entry.remarks = pending.map((remark) => remark.text);
    for (const remark of pending) remark.sent = true;
  }
}
