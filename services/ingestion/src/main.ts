import { runServiceMain } from "@qamesh/service-runtime";
import { ingestionRecipe } from "./recipe.js";

await runServiceMain(ingestionRecipe);
