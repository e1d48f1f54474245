import { runServiceMain } from "@qamesh/service-runtime";
import { connectorWorkerRecipe } from "./recipe.js";

await runServiceMain(connectorWorkerRecipe);
