import { describe, expect, it } from "vitest";
import { asksAboutTests, isTestPath } from "./test-files.js";

describe("test files", () => {
  it("knows a test by its folder or its file name, in the usual ecosystems", () => {
    for (const path of [
      "services/gateway/test/routes.test.ts",
      "packages/a/src/a.spec.js",
      "src/__tests__/view.tsx",
      "internal/store/store_test.go",
      "tests/test_api.py",
      "pkg/util_test.py",
      "src/main/java/org/x/ParserTest.java",
      "Project.Tests/ParserTests.cs",
      "spec/models/user_spec.rb",
      "testdata/sample.json",
    ]) {
      expect(isTestPath(path), path).toBe(true);
    }
  });

  it("leaves code, docs and names that merely contain the word alone", () => {
    for (const path of ["src/testing-library.ts", "packages/testkit/src/fake-server.ts", "src/contest.py", "docs/latest.md", "src/attest.go", "README.md", "src/Tester.java"]) {
      expect(isTestPath(path), path).toBe(false);
    }
  });

  it("tells a question about tests from one about code", () => {
    expect(asksAboutTests("How is the outbox tested?")).toBe(true);
    expect(asksAboutTests("Which tests cover password hashing?")).toBe(true);
    expect(asksAboutTests("How are user passwords stored?")).toBe(false);
    expect(asksAboutTests("What does the latest release contain?")).toBe(false);
  });
});
