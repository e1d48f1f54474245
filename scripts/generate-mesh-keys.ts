/**
 * Prints a fresh set of mesh keys for a distributed deployment, as the `stringData` lines of the
 * Kubernetes Secret (deploy/kubernetes/secret.yaml) or environment values elsewhere:
 *   GATEWAY_SIGNING_KEYS  the gateway's pair (access tokens, and who each request is for)
 *   SERVICE_SIGNING_KEYS  the connector workers' pair (indexing, done for no user)
 *   MESH_PUBLIC_KEYS      what every service believes: the two public halves
 * One machine needs none of this: the services generate MESH_KEYS_FILE on first start.
 */
import { generateSigningKeys } from "@qamesh/signed-tokens";

const gateway = await generateSigningKeys();
const service = await generateSigningKeys();
const values = {
  GATEWAY_SIGNING_KEYS: JSON.stringify(gateway),
  SERVICE_SIGNING_KEYS: JSON.stringify(service),
  MESH_PUBLIC_KEYS: JSON.stringify({ gateway: gateway.publicKey, service: service.publicKey }),
};
for (const [name, value] of Object.entries(values)) process.stdout.write(`  ${name}: '${value}'\n`);
