import { describe, expect, it } from "vitest";
import { storageSections } from "./storage-format-text.js";

describe("Confluence storage format as text", () => {
  it("keeps headings as the cuts between sections, lists, tables and code bodies, and drops macro parameters", () => {
    const storage = [
      "<p>Intro paragraph with <strong>bold</strong> &amp; entities.</p>",
      "<h2>Deploying</h2><p>Run the pipeline.</p><ul><li>Tag the release</li><li>Watch the canary</li></ul>",
      '<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">bash</ac:parameter><ac:plain-text-body><![CDATA[make deploy ENV=prod]]></ac:plain-text-body></ac:structured-macro>',
      "<h3>Rollback</h3><table><tbody><tr><th>Step</th><th>Who</th></tr><tr><td>Revert</td><td>On-call</td></tr></tbody></table>",
    ].join("");
    const sections = storageSections(storage);
    expect(sections.map((section) => section.heading)).toEqual(["", "Deploying", "Rollback"]);
    expect(sections[0]!.text).toBe("Intro paragraph with bold & entities.");
    expect(sections[1]!.text).toContain("- Tag the release");
    expect(sections[1]!.text).toContain("make deploy ENV=prod");
    expect(sections[1]!.text).not.toContain("bash");
    expect(sections[2]!.text).toMatch(/Revert \| On-call/);
  });
});
