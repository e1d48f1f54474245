import { fromBinary, toBinary, type DescMethod, type DescService } from "@bufbuild/protobuf";
import type { MethodDefinition, ServiceDefinition } from "@grpc/grpc-js";

/**
 * Builds the grpc-js service definition straight from a protobuf-es descriptor: the path is
 * `/${typeName}/${method}`, stream flags follow the method kind, and messages go through
 * protobuf-es binary serialisation. No proto-loader, no untyped objects.
 */
export function grpcServiceDefinition(service: DescService): ServiceDefinition {
  const definition: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const method of service.methods) {
    definition[method.localName] = grpcMethodDefinition(service, method);
  }
  return definition as ServiceDefinition;
}

export function grpcMethodDefinition(service: DescService, method: DescMethod): MethodDefinition<unknown, unknown> {
  return {
    path: `/${service.typeName}/${method.name}`,
    requestStream: method.methodKind === "client_streaming" || method.methodKind === "bidi_streaming",
    responseStream: method.methodKind === "server_streaming" || method.methodKind === "bidi_streaming",
    requestSerialize: (message) => Buffer.from(toBinary(method.input, message as never)),
    requestDeserialize: (bytes: Buffer) => fromBinary(method.input, bytes),
    responseSerialize: (message) => Buffer.from(toBinary(method.output, message as never)),
    responseDeserialize: (bytes: Buffer) => fromBinary(method.output, bytes),
    originalName: method.localName,
  };
}
