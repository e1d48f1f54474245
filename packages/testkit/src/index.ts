export * from "./eventually.js";
export * from "./event-bus-contract.js";
export * from "./document-store-contract.js";
export * from "./vector-index-contract.js";
export * from "./git-repository-fixture.js";
export * from "./temporary-directory.js";
export * from "./fake-model-server.js";
export * from "./real-servers.js";
