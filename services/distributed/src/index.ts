export { DistributedMesh, type DistributedMeshOptions } from "./distributed-mesh.js";
export { startRealServers, type RealServerAddresses } from "./real-servers-script.js";
