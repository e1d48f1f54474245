import { runServiceMain } from "@qamesh/service-runtime";
import { toolRuntimeRecipe } from "./recipe.js";

await runServiceMain(toolRuntimeRecipe);
