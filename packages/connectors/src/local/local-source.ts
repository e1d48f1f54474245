import { invalidArgument } from "@qamesh/errors";
import { checkText, textLimits } from "@qamesh/limits";
import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { defineSourceType } from "../source-type.js";
import { outsideRoots } from "../source-checks.js";

/** A folder on the machine that runs the connector workers, inside the allowed roots. */
export const localSource = defineSourceType({
  type: "local",
  title: "a folder on the workers' machine, inside the directories the server allows",
  config: z.object({
    path: z.string().min(1, "path must not be empty").max(textLimits.path).meta({ description: "absolute directory inside the allowed roots" }),
  }),
  secrets: z.object({}),
  async check(config, secrets, { allowedRoots }) {
    checkText("path", config.path, textLimits.path);
    if (!isAbsolute(config.path)) throw invalidArgument("path", "path must be an absolute directory path");
    if (!(await allowedRoots.contains(config.path))) throw invalidArgument("path", `path ${outsideRoots}`);
    return { config: { path: resolve(config.path) }, secrets };
  },
  identity: (config) => `local:${config.path.replace(/\/+$/, "")}`,
  location: (config) => config.path,
  async openReader(config, _secrets, environment) {
    const { LocalFolderReader } = await import("./local-folder-reader.js");
    return new LocalFolderReader(config.path, environment.maxFileBytes, environment.allowedRoots);
  },
});
