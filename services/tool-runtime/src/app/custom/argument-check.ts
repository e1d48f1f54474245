import { Ajv } from "ajv";
import { invalidArgument } from "@qamesh/errors";

/** A custom tool's arguments checked against its JSON Schema; a failure names the argument (`arguments.<path>`). */
export function argumentCheck(inputSchema: Record<string, unknown>): (args: Record<string, unknown>) => void {
  const validate = new Ajv({ strict: false }).compile(inputSchema);
  return (args) => {
    if (validate(args)) return;
    const error = validate.errors?.[0];
    const field = ["arguments", ...(error?.instancePath.split("/").filter(Boolean) ?? [])].join(".");
    throw invalidArgument(field, `${field} ${error?.message ?? "is not valid"}`);
  };
}
