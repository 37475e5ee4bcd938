// Checks Adaptive Card JSON files with Microsoft's own renderer (the npm package
// `adaptivecards`) under jsdom: does the card parse without warnings, validate without
// issues, and render to an element? Prints one JSON line per file.
//
//   node render_cards.js card1.json card2.json …
"use strict";

const fs = require("fs");
const { JSDOM } = require("jsdom");

const dom = new JSDOM("<!DOCTYPE html><html><body></body></html>", { pretendToBeVisual: true });
// jsdom has no innerText, which the renderer uses for plain text: map it to textContent.
Object.defineProperty(dom.window.HTMLElement.prototype, "innerText", {
  get() { return this.textContent; },
  set(value) { this.textContent = value; },
  configurable: true,
});
const browserNames = Object.getOwnPropertyNames(dom.window).filter(
  (name) => /^(HTML|SVG)\w*Element$|Event$/.test(name));
for (const name of ["window", "document", "navigator", "Node", "Element", "getComputedStyle",
                    "DocumentFragment", "MutationObserver", ...browserNames]) {
  if (globalThis[name] === undefined) {
    Object.defineProperty(globalThis, name, { value: dom.window[name], configurable: true,
                                              writable: true });
  }
}

// The package's lib/ is extensionless ESM that Node cannot load; dist/ is its UMD bundle.
const AC = require("adaptivecards/dist/adaptivecards.js");

// No markdown processor: text stays text (and the renderer does not warn about it).
AC.AdaptiveCard.onProcessMarkdown = (_text, result) => {
  result.didProcess = false;
};

function check(file) {
  const json = JSON.parse(fs.readFileSync(file, "utf8"));
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  card.parse(json, context);
  const warnings = [];
  for (let i = 0; i < context.eventCount; i++) {
    const event = context.getEventAt(i);
    warnings.push(`${AC.ValidationEvent[event.event]}: ${event.message}`);
  }
  const errors = card.validateProperties().validationEvents.map(
    (issue) => `${AC.ValidationEvent[issue.event]}: ${issue.message}`);
  let rendered = false;
  let renderError = null;
  try {
    const element = card.render();
    rendered = Boolean(element) && element.childNodes.length > 0;
    if (element) {
      document.body.appendChild(element);
    }
  } catch (err) {
    renderError = String(err && err.stack ? err.stack : err);
  }
  return { file, warnings, errors, rendered, renderError,
           text: rendered ? document.body.lastChild.textContent : "" };
}

for (const file of process.argv.slice(2)) {
  let result;
  try {
    result = check(file);
  } catch (err) {
    result = { file, warnings: [], errors: [String(err)], rendered: false, renderError: null,
               text: "" };
  }
  process.stdout.write(JSON.stringify(result) + "\n");
}
