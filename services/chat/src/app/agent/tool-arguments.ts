import { Ajv, type ValidateFunction } from "ajv";
import type { LlmTool } from "@qamesh/ports";

/**
 * Checks a model's tool-call arguments against the tool's JSON Schema before the call is run.
 * What is wrong goes back to the model as the call's result, so it can correct itself.
 */
export class ToolArguments {
  private readonly ajv = new Ajv({ allErrors: true, strict: false });
  private readonly validators = new Map<string, ValidateFunction>();

  /** Undefined when the arguments are valid; otherwise what is wrong, for the model. */
  problem(tool: LlmTool, argumentsJson: string): string | undefined {
    let parsed: unknown;
    try {
      parsed = JSON.parse(argumentsJson);
    } catch {
      return "the arguments are not valid JSON";
    }
    const validate = this.validatorFor(tool);
    if (validate(parsed)) return undefined;
    return (validate.errors ?? []).map((error) => `${error.instancePath || "arguments"} ${error.message ?? "is invalid"}`).join("; ");
  }

  private validatorFor(tool: LlmTool): ValidateFunction {
    const key = `${tool.name}\n${JSON.stringify(tool.parametersJsonSchema)}`;
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(tool.parametersJsonSchema);
      this.validators.set(key, validate);
    }
    return validate;
  }
}
