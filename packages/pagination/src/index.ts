export * from "./find-page.js";
