import { z } from "zod";
import { sourceTypeNames, sourceTypes } from "@qamesh/connectors";
import { chatToolRules, customToolDefinition, toolSettings } from "@qamesh/custom-tools";
import { maxSearchResults, textLimits } from "@qamesh/limits";
import { searchModes } from "@qamesh/ports";
import { modelSettings, profileDefinition } from "@qamesh/model-profiles";

/**
 * Every request body the API takes, as the zod schema its route validates with. The OpenAPI
 * document's request schemas are generated from these, so the description cannot drift from
 * what the gateway accepts. Descriptions given with `.meta` appear in the document.
 */

const projectIdPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;
const writeOnly = { writeOnly: true } as const;

const Login = z.object({ username: z.string().min(1, "username must not be empty").max(200), password: z.string().max(1024).meta(writeOnly) });

const Refresh = z.object({ refreshToken: z.string().max(200).optional().meta({ description: "omit to use the cookie" }) });

const CreateApiKey = z
  .object({
    name: z.string().trim().min(1, "name must not be empty").max(textLimits.name),
    projectIds: z
      .array(z.string().regex(projectIdPattern, "must be project ids"))
      .min(1)
      .max(200)
      .optional()
      .meta({ description: "only these projects (default: all of the owner's)" }),
    role: z.enum(["admin", "member"], "role must be admin or member").optional().meta({ description: "at most this role (never more than the owner has)" }),
    expiresAt: z.iso.datetime({ offset: true, error: "expiresAt must be an ISO 8601 date-time" }).optional(),
  })
  .strict();

const globalRole = z.enum(["admin", "user"], "globalRole must be admin or user");
/** The length rule is the user store's (it applies to every way a password is set); this bounds the work of hashing. */
const newPassword = z.string().max(1024).meta({ ...writeOnly, description: "at least 12 characters" });

const CreateUser = z.object({ username: z.string().min(1).max(100), password: newPassword, globalRole: globalRole.default("user") }).strict();

const UpdateUser = z.object({ password: newPassword.optional(), globalRole: globalRole.optional() }).strict();

const SetMember = z.object({ role: z.enum(["admin", "member"], "role must be admin or member") }).strict();

const CreateProject = z.object({
  name: z.string().min(1, "name must not be empty").max(textLimits.name),
  description: z.string().max(textLimits.description).default(""),
  id: z.string().regex(projectIdPattern, "id must be lowercase letters, digits or '-'").optional().meta({ description: "chosen by the server when absent" }),
});

const UpdateProject = z
  .object({ name: z.string().min(1, "name must not be empty").max(textLimits.name).optional(), description: z.string().max(textLimits.description).optional() })
  .strict();

const durationUnits = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** A duration such as "30m", "6h" or "1d", in seconds. */
const duration = z
  .string()
  .regex(/^[1-9][0-9]{0,6}[smhd]$/, "must be a number and a unit: s, m, h or d (as in 30m, 6h, 1d)")
  .transform((text) => Number(text.slice(0, -1)) * durationUnits[text.at(-1) as keyof typeof durationUnits]);

const webhookSecret = z
  .string()
  .meta({ ...writeOnly, description: "authenticates deliveries to POST /v1/webhooks/{sourceId} (16 to 256 characters); write-only" });
const syncEvery = duration.meta({ description: "also bring the source up to date this often, from 1m to 30d (webhooks can be lost)" });

/** What every source takes besides its type's settings. */
const sourceFields = { name: z.string().max(textLimits.name).default(""), webhookSecret: webhookSecret.optional(), syncEvery: syncEvery.optional() };

/**
 * A source of any type of the connectors registry: its name, the type's settings and its
 * write-only secrets, side by side in one object.
 */
const CreateSource = z.discriminatedUnion(
  "type",
  // One variant per type; the registry's list is not a tuple to the type checker.
  sourceTypes.map((sourceType) =>
    z.object({ type: z.literal(sourceType.type), ...sourceFields, ...sourceType.config.shape, ...sourceType.secrets.shape }).meta({ description: sourceType.title }),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]],
  { error: `type must be one of ${sourceTypeNames.join(", ")}` },
);

const UpdateSource = z
  .object({
    name: z.string().trim().min(1, "name must not be empty").max(textLimits.name).optional(),
    webhookSecret: webhookSecret.nullable().optional().meta({ description: "a new secret (rotation), or null: no more webhooks" }),
    syncEvery: syncEvery.nullable().optional().meta({ description: "null: no schedule" }),
  })
  .strict();

const StartIngestion = z.object({
  sourceId: z.string().min(1).optional().meta({ description: "only this source; all when absent" }),
  mode: z.enum(["full", "incremental"], "mode must be full or incremental").default("incremental"),
});

const Search = z.object({
  query: z.string().trim().min(1, "query must not be empty").max(textLimits.query),
  k: z
    .number(`must be a whole number from 1 to ${maxSearchResults}`)
    .int(`must be a whole number from 1 to ${maxSearchResults}`)
    .min(1, "must be at least 1")
    .max(maxSearchResults, `must be at most ${maxSearchResults}`)
    .default(8),
  mode: z.enum(searchModes, `must be one of ${searchModes.join(", ")}`).default("hybrid"),
  filter: z
    .object({
      language: z.string().trim().min(1).max(40).optional(),
      symbolKind: z.string().trim().min(1).max(40).optional(),
    }, "must be an object with language and/or symbolKind")
    .strict()
    .optional(),
});

const Ask = z.object({ question: z.string().trim().min(1, "question must not be empty").max(textLimits.question) });

const chatTitle = z.string().trim().max(textLimits.name);

const CreateChat = z.object({ title: chatTitle.default("").meta({ description: "empty: the first message names the chat" }) }).strict();

const UpdateChat = z.object({ title: chatTitle.min(1, "title must not be empty") }).strict();

const SendMessage = z
  .object({ content: z.string().trim().min(1, "content must not be empty").max(textLimits.message).meta({ description: "a question, or the reply to the question the agent asked" }) })
  .strict();

const ChatToolPolicies = z.object({ policies: chatToolRules }).strict();

const McpToolApproval = z
  .object({
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, "must be the 64 hex digits of the version approved")
      .meta({ description: "the version approved: `current.sha256` of the tool in the server's `mcpTools`" }),
  })
  .strict();

const DecideApproval = z
  .object({
    decision: z.enum(["approve", "deny"], { error: "decision must be approve or deny" }),
    arguments: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: "with approve: the arguments to run the call with instead of the model's (checked against the tool's schema)" }),
  })
  .strict();

const textPart = z.looseObject({ type: z.string(), text: z.string().optional() });

/** OpenAI's chat completion request: what qamesh reads of it; other parameters (temperature...) are accepted and ignored. */
const ChatCompletion = z.looseObject({
  model: z.string().min(1, "model must name a project").max(textLimits.projectId).meta({ description: "a project id, as GET /v1/models lists them" }),
  messages: z
    .array(
      z.looseObject({
        role: z.enum(["system", "developer", "user", "assistant", "tool"], "role must be system, developer, user, assistant or tool"),
        content: z.union([z.string().max(textLimits.message), z.array(textPart).max(100), z.null()]).optional(),
      }),
    )
    .min(1, "messages must not be empty")
    .max(100),
  stream: z.boolean().default(false),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).optional(),
});

export const requestBodies = {
  Login,
  Refresh,
  CreateApiKey,
  CreateUser,
  UpdateUser,
  SetMember,
  CreateProject,
  UpdateProject,
  CreateSource,
  UpdateSource,
  StartIngestion,
  CustomTool: customToolDefinition,
  ToolSettings: toolSettings,
  McpToolApproval,
  Profile: profileDefinition,
  ModelSettings: modelSettings,
  Search,
  Ask,
  CreateChat,
  UpdateChat,
  SendMessage,
  DecideApproval,
  ChatToolPolicies,
  ChatCompletion,
};

/** The request bodies as OpenAPI 3.1 (JSON Schema 2020-12) schemas: what a client may send. */
export function requestBodySchemas(): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(requestBodies).map(([name, schema]): [string, Record<string, unknown>] => {
      const { $schema: _dialect, ...jsonSchema } = z.toJSONSchema(schema, { io: "input" }) as Record<string, unknown>;
      return [name, jsonSchema];
    }),
  );
}
