// The collector pages' bundle (static/app.js): every page but the studio dashboard.
import { start } from "./boot.js";
import { PAGES } from "./pages/index.js";

start(PAGES);
