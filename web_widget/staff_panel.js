/**
 * The reception desk's staff panel: always in Dutch, for the staff member. Remarks for the coach, "hand the screen
 * to the client" and "take over" again. Builds its DOM and raises callbacks; reception.js decides what they mean.
 */

import { element } from "./dom.js";

export class StaffPanel {
  /**
   * @param {string} id the widget's id prefix @param {string} staff the staff member's username
   * @param {{onRemark(text: string): void, onHandBack(): void}} callbacks
   */
  constructor(id, staff, callbacks) {
    this.on = callbacks;
    this.panel = element("section", {
      className: "onthaal-staff",
      attrs: { lang: "nl", dir: "ltr", "aria-labelledby": `${id}-staff` },
    });
    const heading = element("h2", { className: "onthaal-staff-title", attrs: { id: `${id}-staff` } });
    heading.append(element("span", { attrs: { "data-staff-text": "widget_reception" } }), ` · ${staff}`);
    this.remarkInput = element("textarea", {
      className: "onthaal-remark",
      attrs: { id: `${id}-remark`, rows: "2", maxlength: "2000" },
    });
    const remarkButton = element("button", {
      className: "onthaal-tool",
      attrs: { type: "button", "data-staff-text": "widget_reception_remark_add" },
    });
    const handBackButton = element("button", {
      className: "onthaal-tool",
      attrs: { type: "button", "data-staff-text": "widget_reception_hand_back" },
    });
    this.remarkList = element("ul", { className: "onthaal-remarks" });
    const actions = element("div", { className: "onthaal-staff-actions" });
    actions.append(remarkButton, handBackButton);
    this.panel.append(
      heading,
      element("label", {
        className: "onthaal-label",
        attrs: { for: `${id}-remark`, "data-staff-text": "widget_reception_remark_label" },
      }),
      this.remarkInput,
      actions,
      this.remarkList,
    );
    this.takeOverButton = element("button", {
      className: "onthaal-tool onthaal-take-over",
      attrs: { type: "button", lang: "nl", dir: "ltr", "data-staff-text": "widget_reception_take_over", hidden: "" },
    });
    this.node = element("div", { className: "onthaal-staff-wrap" });
    this.node.append(this.panel, this.takeOverButton);

    remarkButton.addEventListener("click", () => this.submitRemark());
    handBackButton.addEventListener("click", () => {
      this.show(false);
      this.on.onHandBack();
    });
    this.takeOverButton.addEventListener("click", () => {
      this.show(true);
      this.remarkInput.focus();
    });
  }

  submitRemark() {
    const text = this.remarkInput.value.trim();
    if (!text) {
      this.remarkInput.focus();
      return;
    }
    this.remarkInput.value = "";
    this.on.onRemark(text);
  }

  /** The panel's words, from the Dutch pack. */
  applyWords(staffStrings) {
    for (const node of this.node.querySelectorAll("[data-staff-text]")) {
      node.textContent = staffStrings.t(node.dataset.staffText);
    }
  }

  /** Open (staff member at the keyboard) or closed (the screen is the client's). */
  show(open) {
    this.panel.hidden = !open;
    this.takeOverButton.hidden = open;
  }

  showRemarks(remarks) {
    this.remarkList.replaceChildren(...remarks.map((text) => element("li", { text })));
  }
}
