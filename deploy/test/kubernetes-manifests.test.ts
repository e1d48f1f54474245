import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { serviceConfigSchemas } from "./service-config-schemas.js";

const directory = new URL("../kubernetes/", import.meta.url);
const kustomization = parse(await readFile(new URL("kustomization.yaml", directory), "utf8")) as { resources: string[] };
const objects: any[] = [];
for (const file of kustomization.resources) {
  for (const document of parseAllDocuments(await readFile(new URL(file, directory), "utf8"))) {
    if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]!.message}`);
    const object = document.toJS();
    if (object) objects.push(object);
  }
}
const ofKind = (kind: string) => objects.filter((object) => object.kind === kind);
const named = (kind: string, name: string) => ofKind(kind).find((object) => object.metadata.name === name);
const secret = named("Secret", "qamesh-secrets");
const grpcServices = Object.keys(serviceConfigSchemas).filter((name) => name !== "gateway");

/** The environment a container gets: its ConfigMaps' data, literal env values and Secret values. */
function containerEnvironment(container: any): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const source of container.envFrom ?? []) Object.assign(environment, named("ConfigMap", source.configMapRef.name).data);
  for (const variable of container.env ?? []) {
    const fromSecret = variable.valueFrom?.secretKeyRef;
    environment[variable.name] = fromSecret ? secret.stringData[fromSecret.key] : variable.value;
  }
  return environment;
}

describe("Kubernetes manifests (deploy/kubernetes)", () => {
  it.each(Object.keys(serviceConfigSchemas))("%s: every variable it is given exists in its config schema and validates", (name) => {
    const deployment = named("Deployment", name);
    expect(deployment, `no Deployment ${name}`).toBeDefined();
    const [container] = deployment.spec.template.spec.containers;
    expect(container.command).toEqual(["npm", "run", "start", "-w", `@qamesh/${name}`]);
    const environment = containerEnvironment(container);
    const schema = serviceConfigSchemas[name]!;
    for (const variable of Object.keys(environment)) expect(Object.keys(schema.shape), `${name} has no setting ${variable}`).toContain(variable);
    expect(() => schema.parse(environment)).not.toThrow();
    for (const variable of ["KAFKA_BROKERS", "MONGODB_URI", "CHROMA_URL"]) {
      if (variable in schema.shape) expect(environment, `${name} should use the distributed ${variable}`).toHaveProperty(variable);
    }
    for (const reference of container.env ?? []) {
      const key = reference.valueFrom?.secretKeyRef?.key;
      if (key) expect(Object.keys(secret.stringData)).toContain(key);
    }
  });

  it.each(Object.keys(serviceConfigSchemas))("%s: requests resources and has a PodDisruptionBudget", (name) => {
    const [container] = named("Deployment", name).spec.template.spec.containers;
    expect(container.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container.resources.limits.memory).toEqual(expect.any(String));
    const budget = named("PodDisruptionBudget", name);
    expect(budget.spec.selector.matchLabels).toEqual(named("Deployment", name).spec.selector.matchLabels);
    expect(budget.spec.minAvailable).toBeGreaterThanOrEqual(1);
  });

  it.each(grpcServices)("%s: readiness and liveness are gRPC probes on grpc.health.v1, at the port it serves", (name) => {
    const [container] = named("Deployment", name).spec.template.spec.containers;
    const environment = containerEnvironment(container);
    const portVariable = Object.keys(environment).find((variable) => variable.endsWith("_GRPC_PORT"))!;
    expect(container.ports[0].containerPort).toBe(Number(environment[portVariable]));
    expect(container.readinessProbe.grpc).toEqual({ port: Number(environment[portVariable]) });
    // Liveness asks about the process only: a dependency outage must not restart pods.
    expect(container.livenessProbe.grpc).toEqual({ port: Number(environment[portVariable]), service: "liveness" });
  });

  it("probes the gateway's readiness on /ready and exposes it through a Service", () => {
    const [container] = named("Deployment", "gateway").spec.template.spec.containers;
    expect(container.readinessProbe.httpGet.path).toBe("/ready");
    expect(container.livenessProbe.httpGet.path).toBe("/health");
    expect(named("Service", "gateway").spec.ports[0].port).toBe(Number(containerEnvironment(container).GATEWAY_PORT));
  });

  it("serves each gRPC service through a headless Service, so clients balance over every pod", () => {
    for (const name of grpcServices.filter((service) => service !== "connector-worker")) {
      const service = named("Service", name);
      expect(service, `no Service ${name}`).toBeDefined();
      expect(service.spec.clusterIP).toBe("None");
      expect(service.spec.selector).toEqual(named("Deployment", name).spec.selector.matchLabels);
    }
  });

  it("points every peer address at a Service and port of the manifests", () => {
    for (const deployment of ofKind("Deployment")) {
      const environment = containerEnvironment(deployment.spec.template.spec.containers[0]);
      for (const [variable, value] of Object.entries(environment)) {
        if (!variable.endsWith("_ADDRESS")) continue;
        const [host, port] = value.split(":");
        const service = named("Service", host!);
        expect(service, `${deployment.metadata.name}: ${variable} points at no Service`).toBeDefined();
        expect(service.spec.ports.map((entry: any) => entry.port)).toContain(Number(port));
      }
    }
  });

  it("gives every service the mesh's public keys, and each private key only to the service that signs with it", () => {
    const secretsOf = (name: string) =>
      Object.fromEntries(
        (named("Deployment", name).spec.template.spec.containers[0].env ?? [])
          .filter((variable: any) => variable.valueFrom?.secretKeyRef)
          .map((variable: any) => [variable.name, variable.valueFrom.secretKeyRef.key]),
      );
    const signers: Record<string, string> = { gateway: "GATEWAY_SIGNING_KEYS", "connector-worker": "SERVICE_SIGNING_KEYS" };
    for (const name of Object.keys(serviceConfigSchemas)) {
      const given = secretsOf(name);
      expect(given.MESH_PUBLIC_KEYS, name).toBe("MESH_PUBLIC_KEYS");
      for (const variable of Object.values(signers)) {
        if (signers[name] === variable) expect(given[variable], name).toBe(variable);
        else expect(given, `${name} must not hold ${variable}`).not.toHaveProperty(variable);
      }
    }
  });

  it("mounts local-folder sources where ingestion accepts them into every connector worker too, which checks the same roots", () => {
    const mountsOf = (name: string) => named("Deployment", name).spec.template.spec.containers[0].volumeMounts.map((mount: any) => mount.mountPath);
    const rootsOf = (name: string) => containerEnvironment(named("Deployment", name).spec.template.spec.containers[0]).LOCAL_SOURCE_ROOTS;
    const roots = rootsOf("ingestion")!.split(":");
    expect(rootsOf("connector-worker")).toBe(rootsOf("ingestion"));
    for (const root of roots) {
      expect(mountsOf("ingestion")).toContain(root);
      expect(mountsOf("connector-worker")).toContain(root);
    }
  });

  it("autoscales chat and the connector workers, leaving their replica count to the autoscaler", () => {
    for (const name of ["chat", "connector-worker"]) {
      const autoscaler = ofKind("HorizontalPodAutoscaler").find((object) => object.spec.scaleTargetRef.name === name);
      expect(autoscaler, `no HorizontalPodAutoscaler for ${name}`).toBeDefined();
      expect(autoscaler.spec.scaleTargetRef.kind).toBe("Deployment");
      expect(autoscaler.spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(named("Deployment", name).spec.replicas).toBeUndefined();
    }
  });
});
