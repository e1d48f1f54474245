export { KafkaEventBus, retryTopic, type KafkaEventBusOptions } from "./kafka-event-bus.js";
