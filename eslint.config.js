// Lint the hand-written TypeScript with type information; generated protobuf code is build
// output and not ours to lint.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "packages/proto/src/gen/**", "data/**", "**/dist/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      // A promise nobody awaits fails silently; one passed where a callback is expected is not awaited.
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { arguments: false } }],
      "no-console": "error",
    },
  },
  {
    // Use cases depend on ports, never on a transport: gRPC, HTTP and their generated clients
    // belong to the edges (grpc/, http/, consumers/) and the composition roots.
    files: ["services/*/src/app/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "@qamesh/grpc", message: "app/ code depends on ports; the gRPC adapter lives at the edge" },
            { name: "@grpc/grpc-js", message: "app/ code depends on ports; the gRPC adapter lives at the edge" },
            { name: "express", message: "app/ code depends on ports; HTTP lives in http/" },
          ],
        },
      ],
    },
  },
  {
    // Tests read JSON bodies of the public API, which are untyped by nature.
    files: ["**/test/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    files: ["eslint.config.js"],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Plain JavaScript that runs without a TypeScript loader (the code tools' sandbox thread).
    files: ["**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: { setImmediate: "readonly" } },
  },
);
