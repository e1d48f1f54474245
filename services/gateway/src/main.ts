import { runServiceMain } from "@qamesh/service-runtime";
import { gatewayRecipe } from "./recipe.js";

await runServiceMain(gatewayRecipe);
