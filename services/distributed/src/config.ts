import { z } from "zod";
import { pathList, port } from "@qamesh/config";

/** `npm run start:distributed`: the mesh on this machine, as separate processes. */
export const distributedConfigSchema = z.object({
  /** Connector workers to start, all in one consumer group. */
  CONNECTOR_WORKERS: z.coerce.number().int().min(1).max(16).default(2),
  /** Worker repository caches and the services' logs. */
  QAMESH_DATA_DIR: z.string().min(1).default("./data/distributed"),
  /** Prefix of this mesh's topics, groups, databases and collections on the shared servers. */
  QAMESH_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9]{0,30}$/, "must be a letter then letters or digits")
    .default("qamesh"),
  LOCAL_SOURCE_ROOTS: pathList(process.cwd()),
  GATEWAY_PORT: port(8080),
  /** root's password on a fresh user store; without it one is generated into QAMESH_DATA_DIR/root-password. */
  QAMESH_ROOT_PASSWORD: z.string().min(12, "must be at least 12 characters").optional(),
});
