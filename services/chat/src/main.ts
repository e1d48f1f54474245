import { runServiceMain } from "@qamesh/service-runtime";
import { chatRecipe } from "./recipe.js";

await runServiceMain(chatRecipe);
