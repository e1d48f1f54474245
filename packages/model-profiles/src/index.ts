export * from "./profile-definition.js";
