export * from "./gateway-client.js";
