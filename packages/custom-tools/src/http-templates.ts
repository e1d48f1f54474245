import { placeholderPattern } from "./custom-tool-definition.js";

const text = (value: unknown) => (value === undefined || value === null ? "" : typeof value === "string" ? value : JSON.stringify(value));

/** The URL with each `{name}` replaced by that argument, URL-encoded (so an argument cannot add a path segment or a parameter). */
export function fillUrl(template: string, args: Record<string, unknown>): string {
  return template.replace(placeholderPattern, (_whole, name: string) => encodeURIComponent(text(args[name])));
}

/** The body template with arguments in: a string that is exactly `{name}` becomes the argument's value (any JSON type), others get text filled in. */
export function fillBody(template: unknown, args: Record<string, unknown>): unknown {
  if (typeof template === "string") {
    const whole = /^\{([A-Za-z_][A-Za-z0-9_]{0,63})\}$/.exec(template);
    if (whole) return args[whole[1]!] ?? null;
    return template.replace(placeholderPattern, (_whole, name: string) => text(args[name]));
  }
  if (Array.isArray(template)) return template.map((item) => fillBody(item, args));
  if (template && typeof template === "object") return Object.fromEntries(Object.entries(template).map(([key, value]) => [key, fillBody(value, args)]));
  return template;
}

/** The part of a JSON value a path such as `$.data.items[0]` names; undefined when it is not there. */
export function valueAtPath(value: unknown, path: string): unknown {
  let current = value;
  for (const [, key, index] of path.matchAll(/\.([A-Za-z0-9_-]+)|\[(\d+)\]/g)) {
    if (current === null || typeof current !== "object") return undefined;
    if (index !== undefined) current = Array.isArray(current) ? current[Number(index)] : undefined;
    // Own properties only: a path cannot reach an object's prototype.
    else current = Object.hasOwn(current, key!) ? (current as Record<string, unknown>)[key!] : undefined;
  }
  return current;
}
