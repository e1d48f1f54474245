import { runServiceMain } from "@qamesh/service-runtime";
import { llmProfilesRecipe } from "./recipe.js";

await runServiceMain(llmProfilesRecipe);
