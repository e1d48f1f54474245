export { EmbeddedEventBus, type EmbeddedEventBusOptions } from "./embedded-event-bus.js";
