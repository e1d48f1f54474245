/** Folders that hold tests, in the ecosystems tree-sitter chunks. */
const testFolders = new Set(["test", "tests", "__tests__", "spec", "specs", "testdata", "e2e"]);

/** File names of tests: `x.test.ts`, `x.spec.js`, `x_test.go`, `test_x.py`, `x_test.py`, `XTest.java`, `XTests.cs`, `x_spec.rb`. */
const testFileName = /(\.(test|spec)\.[^.]+$)|(_test\.(go|py|rs|rb|exs?)$)|(^test_.+\.py$)|(Tests?\.(java|kt|cs|scala)$)|(_spec\.rb$)/;

/** Whether a path is a test's: by a folder tests live in, or by a test file's name. */
export function isTestPath(path: string): boolean {
  const segments = path.split("/");
  const fileName = segments.pop() ?? "";
  return segments.some((segment) => testFolders.has(segment)) || testFileName.test(fileName);
}

/** Whether a question is about tests themselves ("how is the outbox tested?"): then test files rank like any other. */
export function asksAboutTests(question: string): boolean {
  return /\b(tests?|tested|testing|specs?|fixtures?)\b/i.test(question);
}
