import { Router } from "express";
import { parseInput } from "@qamesh/errors";
import type { ModelSettings, Profile } from "@qamesh/proto/qamesh/llmprofiles/v1/llm_profiles_pb.js";
import type { AuditLog } from "../../audit/audit-log.js";
import type { Peers } from "../../peers.js";
import { authorizedProjectId } from "../auth/project-access.js";
import { requestBodies } from "../request-bodies.js";

/** A profile as the API shows it: its definition (no key: `hasApiKey` says whether it has one), id and times. */
const profileJson = (profile: Profile) => ({ id: profile.id, projectId: profile.projectId, ...(JSON.parse(profile.definitionJson) as object), createdAt: profile.createdAt, updatedAt: profile.updatedAt });

const settingsJson = (settings: ModelSettings) => ({
  answering: settings.answeringProfileId || null,
  fallbacks: settings.fallbackProfileIds,
  embedding: settings.embeddingProfileId || null,
  reindexRequiredSince: settings.reindexRequiredSince || null,
  ...(settings.reindexRequiredSince
    ? { notice: "the embedding model changed: every source of the project is being indexed again in full with it (a run with trigger embedding-change); until that run succeeds, search finds only what it has indexed so far" }
    : {}),
});

/** What an audit entry says of a profile: never its key. */
const profileDetail = (body: { purpose: string; provider: string; model: string; apiKey?: string | undefined; removeApiKey?: boolean }) =>
  `${body.purpose} ${body.provider}:${body.model}${body.apiKey !== undefined ? ", key set" : body.removeApiKey ? ", key removed" : ""}`;

/**
 * The models a project's admins define (llm-profiles keeps them and their keys) and which of
 * them the project answers and embeds with.
 */
export function profileRoutes(peers: Peers, audit: AuditLog): Router {
  const router = Router();

  router.get("/v1/projects/:projectId/profiles", async (request, response) => {
    const { profiles } = await peers.llmProfiles.listProfiles({ projectId: authorizedProjectId(request, "models.manage") });
    response.json({ profiles: profiles.map(profileJson) });
  });

  router.post("/v1/projects/:projectId/profiles", async (request, response) => {
    const projectId = authorizedProjectId(request, "models.manage");
    const definition = parseInput(requestBodies.Profile, request.body);
    const profile = await peers.llmProfiles.createProfile({ projectId, definitionJson: JSON.stringify(request.body) });
    await audit.record(request, { action: "profile.created", projectId, target: profile.id, detail: profileDetail(definition) });
    response.status(201).location(`/v1/projects/${projectId}/profiles/${profile.id}`).json(profileJson(profile));
  });

  router.get("/v1/projects/:projectId/profiles/:profileId", async (request, response) => {
    const profile = await peers.llmProfiles.getProfile({ projectId: authorizedProjectId(request, "models.manage"), profileId: request.params.profileId });
    response.json(profileJson(profile));
  });

  router.put("/v1/projects/:projectId/profiles/:profileId", async (request, response) => {
    const projectId = authorizedProjectId(request, "models.manage");
    const definition = parseInput(requestBodies.Profile, request.body);
    const profile = await peers.llmProfiles.updateProfile({ projectId, profileId: request.params.profileId, definitionJson: JSON.stringify(request.body) });
    await audit.record(request, { action: "profile.updated", projectId, target: profile.id, detail: profileDetail(definition) });
    response.json(profileJson(profile));
  });

  router.delete("/v1/projects/:projectId/profiles/:profileId", async (request, response) => {
    const projectId = authorizedProjectId(request, "models.manage");
    await peers.llmProfiles.deleteProfile({ projectId, profileId: request.params.profileId });
    await audit.record(request, { action: "profile.deleted", projectId, target: request.params.profileId });
    response.status(204).end();
  });

  router.get("/v1/projects/:projectId/model-settings", async (request, response) => {
    response.json(settingsJson(await peers.llmProfiles.getModelSettings({ projectId: authorizedProjectId(request, "models.manage") })));
  });

  router.put("/v1/projects/:projectId/model-settings", async (request, response) => {
    const projectId = authorizedProjectId(request, "models.manage");
    const chosen = parseInput(requestBodies.ModelSettings, request.body);
    const settings = await peers.llmProfiles.updateModelSettings({ projectId, settingsJson: JSON.stringify(request.body) });
    const detail = `answering ${chosen.answering ?? "default"}${chosen.fallbacks.length ? ` then ${chosen.fallbacks.join(", ")}` : ""}; embedding ${chosen.embedding ?? "default"}`;
    await audit.record(request, { action: "model-settings.updated", projectId, target: projectId, detail });
    response.json(settingsJson(settings));
  });

  return router;
}
