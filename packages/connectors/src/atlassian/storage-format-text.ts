import { Parser } from "htmlparser2";

/** A part of a page under one heading (the part before the first heading has none). */
export interface PageSection {
  heading: string;
  text: string;
}

const blocks = new Set(["p", "div", "li", "tr", "br", "pre", "blockquote", "table", "ul", "ol", "ac:task", "hr"]);
const headings = /^h([1-6])$/;

/**
 * Confluence's storage format (XHTML with `ac:` macros) as clean text, cut at its headings so
 * each section can be cited on its own: paragraphs and list items on their own lines ("- "),
 * table cells separated by " | ", a code macro's plain-text body kept fenced, links as their
 * text. Macros' parameters and layout wrappers add nothing.
 */
export function storageSections(storage: string): PageSection[] {
  const sections: PageSection[] = [{ heading: "", text: "" }];
  let heading: string | undefined;
  let skipping = 0;
  let inCode = false;
  /** Names of the macros open around the current position. */
  const macros: string[] = [];
  const current = () => sections[sections.length - 1]!;
  const write = (text: string) => {
    if (heading !== undefined) heading += text;
    else current().text += text;
  };
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === "ac:parameter") skipping++;
        else if (headings.test(name)) heading = "";
        else if (name === "ac:structured-macro") {
          macros.push(attributes["ac:name"] ?? "");
          if (macros.at(-1) === "code") write("\n```\n");
        }
        else if (name === "ac:plain-text-body") inCode = true;
        else if (name === "li") write("\n- ");
        else if (name === "td" || name === "th") write(" | ");
        else if (blocks.has(name)) write("\n");
      },
      ontext(text) {
        if (skipping === 0) write(inCode ? text : text.replace(/\s+/g, " "));
      },
      onclosetag(name) {
        if (name === "ac:parameter") skipping--;
        else if (headings.test(name) && heading !== undefined) {
          sections.push({ heading: heading.trim(), text: "" });
          heading = undefined;
        } else if (name === "ac:plain-text-body") inCode = false;
        else if (name === "ac:structured-macro" && macros.pop() === "code") write("\n```\n");
        else if (blocks.has(name)) write("\n");
      },
    },
    { xmlMode: true, recognizeCDATA: true, decodeEntities: true },
  );
  parser.write(storage);
  parser.end();
  return sections
    .map((section) => ({ heading: section.heading, text: section.text.replace(/[ \t]+\n/g, "\n").replace(/\n{3,}/g, "\n\n").trim() }))
    .filter((section, index) => index > 0 || section.text);
}
